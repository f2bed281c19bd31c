import { errorFields } from "../adapters/logger.js";
import { ActivityHandler, CardFactory, TurnContext, type InvokeResponse, type StatePropertyAccessor, type UserState } from "botbuilder";
import type { Logger } from "pino";
import type { EnrollmentService } from "../domain/enrollment-service.js";
import type { Caller, StepView } from "../domain/step-view.js";
import { localeFrom, t, type Locale, type MessageKey } from "../i18n/messages.js";
import type { AuditLog, ConversationRefStore } from "../ports/stores.js";
import { ADAPTIVE_CARD, type CardJson } from "./card-renderer.js";
import { resolveCaller } from "./caller-resolver.js";
import type { EnrollmentActions } from "./enrollment-actions.js";
import { HELP_VERBS, type HelpActions } from "./help-actions.js";
import { verbOf, type InvokeRoute } from "./invoke-route.js";
import type { ReminderReports } from "./reminder-reports.js";
import { classifyText } from "./text-commands.js";

const MAX_TEXT = 2000;

/** The caller of a turn, or why the turn is refused (then nothing is stored or shown). */
type CallerOrRefusal = { caller: Caller; refusal?: undefined } | { caller?: undefined; refusal: "error.identityUnknown" | "error.identityMismatch" };

export interface EnrollmentBotDeps {
  service: EnrollmentService;
  enrollment: EnrollmentActions;
  help: HelpActions;
  /** Further features' buttons (helpdesk, reminders), asked after enrollment and help. */
  routes: InvokeRoute[];
  userState: UserState;
  conversationRefs: ConversationRefStore;
  /** Where a turn refused for naming two identities is recorded. */
  audit: AuditLog;
  logger: Logger;
  /** The reminder delivery report command; without it the words are treated as a question. */
  reports?: ReminderReports;
  /** The coverage report command (src/features/report/), answered the same way. */
  coverage?: ReminderReports;
}

/**
 * The Teams edge: messages start or resume the enrollment, answer questions and switch
 * language; `adaptiveCard/action` invokes are routed to the feature that owns the verb, and
 * the invoke response replaces the card in place (so the password field and the QR never
 * stay in the chat).
 */
export class EnrollmentBot extends ActivityHandler {
  private readonly preferredLocale: StatePropertyAccessor<Locale | undefined>;
  private readonly routes: InvokeRoute[];

  constructor(private readonly deps: EnrollmentBotDeps) {
    super();
    this.preferredLocale = deps.userState.createProperty<Locale | undefined>("preferredLocale");
    const help: InvokeRoute = {
      matches: (verb) => (HELP_VERBS as readonly string[]).includes(verb),
      respond: async (context, caller) =>
        (await deps.help.handle(caller, verbOf(context.activity.value) as (typeof HELP_VERBS)[number], (context.activity.value as { action?: { data?: unknown } }).action?.data)) ??
        (await this.refusalCard(caller, "error.malformed")),
    };
    this.routes = [deps.enrollment, help, ...deps.routes];
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
    await this.deps.userState.saveChanges(context);
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== "adaptiveCard/action") return { status: 501 };
    const { caller, refusal } = await this.caller(context);
    if (!caller) return cardResponse(plainCard(localeFrom(context.activity.locale), refusal));
    const verb = verbOf(context.activity.value);
    // Helpdesk buttons live on the channel's ticket cards; everything else is personal.
    if (!isPersonal(context) && !verb?.startsWith("helpdesk.")) return cardResponse(plainCard(caller.locale, "info.personalOnly"));
    this.deps.logger.info({ verb: verb?.slice(0, 64) ?? "(none)", user: caller.userKey }, "card action");
    try {
      if (verb === null) return cardResponse(await this.refusalCard(caller, "error.malformed"));
      const route = this.routes.find((r) => r.matches(verb));
      return cardResponse(route ? await route.respond(context, caller) : await this.refusalCard(caller, "error.unknownAction"));
    } catch (error) {
      this.deps.logger.error({ err: errorFields(error), user: caller.userKey }, "card action failed");
      return cardResponse(plainCard(caller.locale, "error.generic"));
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const text = typeof context.activity.text === "string" ? context.activity.text : "";
    let locale = await this.locale(context);
    if (text.length > MAX_TEXT) {
      await context.sendActivity(t(locale, "error.malformed"));
      return;
    }
    const command = classifyText(text);
    if (command === "english" || command === "swedish") {
      locale = command === "english" ? "en" : "sv";
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
    await this.rememberConversation(context, caller);
    if (command === "other" && text.trim() === "") {
      await context.sendActivity(t(locale, "info.hint"));
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

  private async cardFor(caller: Caller, command: ReturnType<typeof classifyText>, text: string): Promise<CardJson> {
    switch (command) {
      case "help":
        return this.deps.help.topics(caller);
      case "other":
      case "reports":
      case "coverage":
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
    await this.rememberConversation(context, caller);
    await sendCard(context, await this.deps.enrollment.presentInMessage(caller, await this.deps.service.greet(caller)));
  }

  private async cancelCurrent(caller: Caller): Promise<StepView> {
    const current = await this.deps.service.current(caller);
    return current ? this.deps.service.cancel(caller, current.flowId) : this.deps.service.greet(caller);
  }

  private async refusalCard(caller: Caller, key: MessageKey): Promise<CardJson> {
    return this.deps.enrollment.present(caller, await this.deps.enrollment.currentWith(caller, key));
  }

  private async locale(context: TurnContext): Promise<Locale> {
    return (await this.preferredLocale.get(context)) ?? localeFrom(context.activity.locale);
  }

  /** The one caller of this turn (see caller-resolver.ts): every feature gets this, none reads `from` itself. */
  private async caller(context: TurnContext, knownLocale?: Locale): Promise<CallerOrRefusal> {
    const resolved = await resolveCaller(context, this.deps.logger);
    if (resolved.kind === "unknown") return { refusal: "error.identityUnknown" };
    if (resolved.kind === "mismatch") {
      // Audited as the roster's user: that is who posted it, whoever it claims to be.
      const detail = { claimedObjectId: resolved.claimedObjectId, activity: context.activity.type.slice(0, 32) };
      await this.deps.audit.append({ at: new Date(), subject: resolved.upn, actor: resolved.upn, action: "teams.identityMismatch", outcome: "refused", detail });
      return { refusal: "error.identityMismatch" };
    }
    return { caller: { ...resolved.identity, locale: knownLocale ?? (await this.locale(context)) } };
  }

  private async rememberConversation(context: TurnContext, caller: Caller): Promise<void> {
    const reference = TurnContext.getConversationReference(context.activity) as Record<string, unknown>;
    await this.deps.conversationRefs.upsert({ userKey: caller.userKey, upn: caller.upn, locale: caller.locale, reference, updatedAt: new Date() });
  }
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
  return { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: t(locale, key), wrap: true, color: "Attention" }] };
}
