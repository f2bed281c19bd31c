import { errorFields } from "../../adapters/logger.js";
import {
  ActivityHandler,
  CardFactory,
  UserState,
  type InvokeResponse,
  type StatePropertyAccessor,
  type Storage,
  type TurnContext,
} from "botbuilder";
import type { Logger } from "pino";
import type { EnrollmentActions } from "../../features/enrollment/enrollment-route.js";
import type { EnrollmentService } from "../../features/enrollment/enrollment-service.js";
import type { StepView } from "../../features/enrollment/step-view.js";
import type { HelpActions } from "../../features/help/help-route.js";
import type { LostPhoneActions } from "../../features/lost-phone/lost-phone-route.js";
import type { AccountActivity } from "../../features/audit/account-activity.js";
import type { ReminderReports } from "../../features/reminders/reminder-reports.js";
import { ADAPTIVE_CARD, noticeCard, type CardJson } from "../../features/shared/card-renderer.js";
import type { Reply, Route } from "../../features/shared/route.js";
import { localeFrom, locales, t, type Locale, type MessageKey } from "../../i18n/messages.js";
import type { Caller } from "../../ports/caller.js";
import type { AuditLog, ConversationRefStore } from "../../ports/stores.js";
import { resolveCaller, RosterCache } from "./caller-resolver.js";
import { ConversationMemory } from "./conversation-refs.js";
import { parseInvoke } from "./invoke-envelope.js";
import { classifyText, type TextCommand } from "./text-commands.js";

const MAX_TEXT = 2000;

/** The caller of a turn, or why the turn is refused (then nothing is stored or shown). */
type CallerOrRefusal =
  | { caller: Caller; refusal?: undefined }
  | { caller?: undefined; refusal: "error.identityUnknown" | "error.identityMismatch" };

export interface EnrollmentBotDeps {
  service: EnrollmentService;
  enrollment: EnrollmentActions;
  help: HelpActions;
  /** The other features' routes (helpdesk, reminders); every verb is owned by one route. */
  routes: Route[];
  /** Where the user's language choice is kept (SqlBotStorage). */
  storage: Storage;
  conversationRefs: ConversationRefStore;
  /** Where a turn refused for naming two identities is recorded. */
  audit: AuditLog;
  logger: Logger;
  /** The reminder delivery report command; without it the words are treated as a question. */
  reports?: ReminderReports;
  /** "I lost my phone" typed: its password card (the route itself is one of `routes`). */
  lostPhone?: Pick<LostPhoneActions, "card">;
  /** Told the serviceUrl of every helpdesk invoke (BotHelpdeskNotifier.noteServiceUrl). */
  noteServiceUrl?: (serviceUrl: unknown) => void;
  /** "Vad har hänt på mitt konto?": the caller's own last events; without it the words are a question. */
  activity?: Pick<AccountActivity, "answer">;
  /** The coverage report command (src/features/report/), answered the same way. */
  coverage?: ReminderReports;
}

/**
 * The Teams edge: messages start or resume the enrollment, answer questions and switch
 * language; `adaptiveCard/action` invokes are parsed once and routed to the feature that owns
 * the verb, and the invoke response replaces the card in place (so the password field and the
 * QR never stay in the chat).
 */
export class EnrollmentBot extends ActivityHandler {
  private readonly userState: UserState;
  private readonly preferredLocale: StatePropertyAccessor<Locale | undefined>;
  private readonly routes = new Map<string, Route>();
  private readonly roster = new RosterCache();
  private readonly conversations: ConversationMemory;

  constructor(private readonly deps: EnrollmentBotDeps) {
    super();
    this.conversations = new ConversationMemory(deps.conversationRefs);
    this.userState = new UserState(deps.storage);
    this.preferredLocale = this.userState.createProperty<Locale | undefined>("preferredLocale");
    for (const route of [deps.enrollment, deps.help, ...deps.routes]) {
      for (const verb of route.verbs) {
        if (this.routes.has(verb)) throw new Error(`two routes answer the verb ${verb}`);
        this.routes.set(verb, route);
      }
    }
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      if (context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id)) await this.welcome(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.userState.saveChanges(context);
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== "adaptiveCard/action") return { status: 501 };
    const { caller, refusal } = await this.caller(context);
    if (!caller) return cardResponse(plainCard(localeFrom(context.activity.locale), refusal));
    const { verb, data } = parseInvoke(context.activity.value);
    // Helpdesk buttons live on the channel's ticket cards; everything else is personal.
    if (!isPersonal(context) && !verb?.startsWith("helpdesk.")) return cardResponse(plainCard(caller.locale, "info.personalOnly"));
    this.deps.logger.info({ verb: verb?.slice(0, 64) ?? "(none)", user: caller.userKey }, "card action");
    try {
      if (verb === null) return cardResponse(await this.deps.enrollment.refusal(caller, "error.malformed"));
      const route = this.routes.get(verb);
      if (!route) return cardResponse(await this.deps.enrollment.refusal(caller, "error.unknownAction"));
      if (verb.startsWith("helpdesk.") && data !== null) this.deps.noteServiceUrl?.(context.activity.serviceUrl);
      const chat = { rememberConversation: () => this.conversations.remember(context, caller) };
      return cardResponse(await this.render(caller, await route.respond(verb, data, caller, chat)));
    } catch (error) {
      this.deps.logger.error({ err: errorFields(error), user: caller.userKey }, "card action failed");
      return cardResponse(plainCard(caller.locale, "error.generic"));
    }
  }

  private async render(caller: Caller, reply: Reply): Promise<CardJson> {
    if ("card" in reply) return reply.card;
    if ("notice" in reply) return noticeCard(reply.locale ?? caller.locale, reply.notice);
    return this.deps.enrollment.refusal(caller, reply.refusal);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const text = typeof context.activity.text === "string" ? context.activity.text : "";
    let locale = await this.locale(context);
    if (text.length > MAX_TEXT) {
      await context.sendActivity(t(locale, "error.malformed"));
      return;
    }
    const { command, locale: chosen } = classifyText(text);
    if (chosen) {
      locale = chosen;
      await this.preferredLocale.set(context, locale);
      await context.sendActivity(t(locale, "info.languageChanged"));
    }
    if (!isPersonal(context)) {
      // A channel or group chat: nothing about anyone's account (QR, numbers, tickets) is shown there.
      await context.sendActivity(t(locale, "info.personalOnly"));
      return;
    }
    const { caller, refusal } = await this.caller(context, locale);
    if (!caller) {
      await context.sendActivity(t(locale, refusal));
      return;
    }
    await this.conversations.remember(context, caller);
    if (command === "other" && text.trim() === "") {
      await context.sendActivity(t(locale, "info.hint"));
      return;
    }
    if (command === "activity" && this.deps.activity) {
      await context.sendActivity(await this.deps.activity.answer(caller.upn, caller.locale));
      return;
    }
    const cardCommand = command === "reports" ? this.deps.reports : command === "coverage" ? this.deps.coverage : undefined;
    if (cardCommand) {
      const cards = await cardCommand.cardsFor(caller);
      await context.sendActivity({ attachments: cards.map((card) => CardFactory.adaptiveCard(card)), attachmentLayout: "list" });
      return;
    }
    await sendCard(context, await this.cardFor(caller, command, text));
  }

  private async cardFor(caller: Caller, command: TextCommand, text: string): Promise<CardJson> {
    switch (command) {
      case "help":
        return this.deps.help.topics(caller);
      case "lostPhone":
        return this.deps.lostPhone ? this.deps.lostPhone.card(caller) : this.deps.help.answer(caller, text);
      case "other":
      case "reports":
      case "coverage":
      case "activity":
        return this.deps.help.answer(caller, text);
      case "cancel":
        return this.deps.enrollment.presentInMessage(caller, await this.cancelCurrent(caller));
      default:
        return this.deps.enrollment.presentInMessage(caller, await this.deps.service.greet(caller));
    }
  }

  /** Installed for a user: remember the conversation (for reminders) and say hello. */
  private async welcome(context: TurnContext): Promise<void> {
    if (!isPersonal(context)) return; // installed in a team (the helpdesk's): nothing to say there
    const { caller } = await this.caller(context);
    if (!caller) return;
    await this.conversations.remember(context, caller);
    await sendCard(context, await this.deps.enrollment.presentInMessage(caller, await this.deps.service.greet(caller)));
  }

  private async cancelCurrent(caller: Caller): Promise<StepView> {
    const current = await this.deps.service.current(caller);
    return current ? this.deps.service.cancel(caller, current.flowId) : this.deps.service.greet(caller);
  }

  private async locale(context: TurnContext): Promise<Locale> {
    return (await this.preferredLocale.get(context)) ?? localeFrom(context.activity.locale);
  }

  /** The one caller of this turn (see caller-resolver.ts): every feature gets this, none reads `from` itself. */
  private async caller(context: TurnContext, knownLocale?: Locale): Promise<CallerOrRefusal> {
    const resolved = await resolveCaller(context, this.deps.logger, this.roster);
    if (resolved.kind === "unknown") return { refusal: "error.identityUnknown" };
    if (resolved.kind === "mismatch") {
      // Audited as the roster's user: that is who posted it, whoever it claims to be.
      const detail = { claimedObjectId: resolved.claimedObjectId, activity: context.activity.type.slice(0, 32) };
      await this.deps.audit.append({
        at: new Date(),
        subject: resolved.upn,
        actor: resolved.upn,
        action: "teams.identityMismatch",
        outcome: "refused",
        detail,
      });
      return { refusal: "error.identityMismatch" };
    }
    return { caller: { ...resolved.identity, locale: knownLocale ?? (await this.locale(context)) } };
  }
}

/** Logs a turn that failed outside any feature's own handling, and says so in both languages. */
export function logTurnErrors(adapter: { onTurnError: (context: TurnContext, error: Error) => Promise<void> }, logger: Logger): void {
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: errorFields(error) }, "unhandled turn error");
    // The turn failed before its language was known: say it in every one.
    await context.sendActivity(locales.map((locale) => t(locale, "error.generic")).join(" / ")).catch(() => undefined);
  };
}

function isPersonal(context: TurnContext): boolean {
  return context.activity.conversation?.conversationType === "personal";
}

function cardResponse(card: CardJson): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD, value: card } };
}

async function sendCard(context: TurnContext, card: CardJson): Promise<void> {
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

function plainCard(locale: Locale, key: MessageKey): CardJson {
  return noticeCard(locale, { key, kind: "refusal" });
}
