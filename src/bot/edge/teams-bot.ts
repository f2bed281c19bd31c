import { errorFields } from "../../adapters/logger.js";
import {
  ActivityHandler,
  type UserState,
  type InvokeResponse,
  type StatePropertyAccessor,
  type Storage,
  type TurnContext,
} from "botbuilder";
import type { Logger } from "pino";
import type { EnrollmentActions } from "../../features/enrollment/enrollment-route.js";
import type { EnrollmentService } from "../../features/enrollment/enrollment-service.js";
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
import { ChatCards } from "./chat-cards.js";
import { JsonUserState } from "./json-user-state.js";
import type { TeamsConnector } from "./teams-connector.js";
import { inProgressSteps } from "../../features/enrollment/steps.js";

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
  /** Replaces a QR card whose flow expired while nobody was in the chat (ChatCards); without it, at the user's next turn. */
  connector?: TeamsConnector;
  /** The enrollment's idle limit (policy.flowIdleMinutes) in ms: when a shown QR's flow may have expired. */
  flowIdleMs?: number;
}

/** The welcome card's language button. */
const LANGUAGE_VERB = "language.switch";

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
  readonly chatCards: ChatCards;

  constructor(private readonly deps: EnrollmentBotDeps) {
    super();
    this.conversations = new ConversationMemory(deps.conversationRefs);
    this.userState = new JsonUserState(deps.storage);
    this.preferredLocale = this.userState.createProperty<Locale | undefined>("preferredLocale");
    this.chatCards = new ChatCards(this.userState, {
      stillShowsSecret: async (caller, flowId) => {
        const current = await deps.service.current(caller);
        return current?.step === "qr" && current.flowId === flowId && current.qr !== undefined;
      },
      expiredCard: (caller) => deps.enrollment.expiredQrCard(caller),
      connector: deps.connector,
      expiryCheckMs: (deps.flowIdleMs ?? 30 * 60_000) + 60_000,
      logger: deps.logger,
    });
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
    if (verb === LANGUAGE_VERB) return cardResponse(await this.switchLanguage(context, caller, data));
    this.deps.logger.info({ verb: verb?.slice(0, 64) ?? "(none)", user: caller.userKey }, "card action");
    try {
      if (verb === null) return cardResponse(await this.deps.enrollment.refusal(caller, "error.malformed"));
      const route = this.routes.get(verb);
      if (!route) return cardResponse(await this.deps.enrollment.refusal(caller, "error.unknownAction"));
      if (verb.startsWith("helpdesk.") && data !== null) this.deps.noteServiceUrl?.(context.activity.serviceUrl);
      const chat = { rememberConversation: () => this.conversations.remember(context, caller) };
      const card = await this.render(caller, await route.respond(verb, data, caller, chat));
      if (isPersonal(context)) await this.chatCards.replaced(context, caller, replyToId(context), this.deps.enrollment.secretFlowOf(card));
      return cardResponse(card);
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
    // The person's words beat the client's locale: "hej" answers in Swedish on an English Teams, and stays so.
    if (chosen && chosen !== locale && command === "language") await context.sendActivity(t(chosen, "info.languageChanged"));
    if (chosen) {
      locale = chosen;
      await this.preferredLocale.set(context, locale);
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
      await this.chatCards.checked(context, caller);
      return;
    }
    const cardCommand = command === "reports" ? this.deps.reports : command === "coverage" ? this.deps.coverage : undefined;
    if (cardCommand) {
      await this.chatCards.post(context, caller, await cardCommand.cardsFor(caller), { welcome: false, enrollment: false });
      return;
    }
    if (command === "greet" || command === "language" || command === "cancel") {
      await this.answerWithEnrollment(context, caller, command);
      return;
    }
    await this.chatCards.post(context, caller, [await this.cardFor(caller, command, text)], { welcome: false, enrollment: false });
  }

  /**
   * A greeting or "avbryt" typed: the enrollment's card as a new message. "avbryt" with nothing
   * in progress says so; a greeting under a welcome card that is still the newest card points to
   * it instead of posting a second one.
   */
  private async answerWithEnrollment(context: TurnContext, caller: Caller, command: "greet" | "language" | "cancel"): Promise<void> {
    const current = command === "cancel" ? await this.deps.service.current(caller) : null;
    if (command === "cancel" && !(current && inProgressSteps.includes(current.step) && current.notice?.key !== "error.sessionExpired")) {
      await context.sendActivity(t(caller.locale, "info.nothingToCancel"));
      await this.chatCards.checked(context, caller);
      return;
    }
    const view = current ? await this.deps.service.cancel(caller, current.flowId) : await this.deps.service.greet(caller);
    const welcome = view.step === "welcome" && view.notice === undefined;
    const card = () => this.deps.enrollment.presentInMessage(caller, view);
    if (welcome && command === "greet" && (await this.chatCards.pointToWelcome(context, caller, card))) {
      await context.sendActivity(t(caller.locale, "welcome.above"));
      return;
    }
    await this.chatCards.post(context, caller, [await card()], { welcome, enrollment: true });
  }

  /** The welcome card's "In English" / "På svenska": the choice is kept, and the welcome card comes back in that language. */
  private async switchLanguage(context: TurnContext, caller: Caller, data: Record<string, unknown> | null): Promise<CardJson> {
    const chosen = locales.find((locale) => locale === data?.locale);
    if (!chosen) return this.deps.enrollment.refusal(caller, "error.malformed");
    await this.preferredLocale.set(context, chosen);
    const switched = { ...caller, locale: chosen };
    const card = await this.deps.enrollment.welcome(switched, { key: "info.languageChanged", kind: "info" });
    await this.chatCards.markWelcome(context, replyToId(context), chosen);
    return card;
  }

  private async cardFor(caller: Caller, command: TextCommand, text: string): Promise<CardJson> {
    switch (command) {
      case "help":
        return this.deps.help.topics(caller);
      case "lostPhone":
        return this.deps.lostPhone ? this.deps.lostPhone.card(caller) : this.deps.help.answer(caller, text);
      default:
        return this.deps.help.answer(caller, text);
    }
  }

  /** Installed for a user: remember the conversation (for reminders) and say hello. */
  private async welcome(context: TurnContext): Promise<void> {
    if (!isPersonal(context)) return; // installed in a team (the helpdesk's): nothing to say there
    const { caller } = await this.caller(context);
    if (!caller) return;
    await this.conversations.remember(context, caller);
    // The greeting's language is kept, so the next card (a button on it) is in the same one.
    await this.preferredLocale.set(context, caller.locale);
    await this.answerWithEnrollment(context, caller, "greet");
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
    const platform = clientPlatform(context);
    return {
      caller: { ...resolved.identity, locale: knownLocale ?? (await this.locale(context)), ...(platform && { clientPlatform: platform }) },
    };
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

/** The message whose card's button sent this invoke (Teams puts its id in replyToId). */
function replyToId(context: TurnContext): string | undefined {
  const id: unknown = context.activity.replyToId;
  return typeof id === "string" && id !== "" && id.length <= 256 ? id : undefined;
}

/** The Teams client's platform from its clientInfo entity ("iOS", "Android", "Web", …), when it says. */
function clientPlatform(context: TurnContext): string | undefined {
  const entities: unknown = context.activity.entities;
  if (!Array.isArray(entities)) return undefined;
  const info = entities.find(
    (e): e is { type: string; platform?: unknown } => typeof e === "object" && e !== null && e.type === "clientInfo",
  );
  return typeof info?.platform === "string" && info.platform.length <= 32 ? info.platform : undefined;
}

function plainCard(locale: Locale, key: MessageKey): CardJson {
  return noticeCard(locale, { key, kind: "refusal" });
}
