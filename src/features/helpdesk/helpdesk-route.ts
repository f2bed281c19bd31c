import { errorFields } from "../../adapters/logger.js";
import { TurnContext, type InvokeResponse } from "botbuilder";
import type { Logger } from "pino";
import { z } from "zod";
import type { HelpdeskActionResult, HelpdeskService } from "./helpdesk-service.js";
import type { Notice } from "../enrollment/step-view.js";
import type { Caller } from "../../ports/caller.js";
import { t, type Locale } from "../../i18n/messages.js";
import type { ConversationRefStore } from "../../ports/stores.js";
import { ADAPTIVE_CARD, type CardJson } from "../shared/card-renderer.js";
import { cardT } from "../shared/card-text.js";
import type { EnrollmentActions } from "../enrollment/enrollment-route.js";
import { helpdeskVerbs, renderTicketCard, type HelpdeskVerb } from "./ticket-card.js";

/** The employee's "contact the helpdesk" button (data: optional `question`). */
export const ESCALATE_VERB = "help.escalate";

/** Longer than any question a card input allows (1000); anything longer is malformed. */
const MAX_QUESTION_INPUT = 4000;

const invokeValueSchema = z.object({
  action: z.object({
    type: z.literal("Action.Execute"),
    verb: z.string().max(64),
    data: z
      .object({ ticketId: z.string().max(64).optional(), question: z.string().max(MAX_QUESTION_INPUT).optional() })
      .catchall(z.unknown())
      .optional()
      .default({}),
  }),
});

/** The verb of an `adaptiveCard/action` invoke value, if it is one of the helpdesk feature's. */
export function helpdeskVerbOf(value: unknown): typeof ESCALATE_VERB | HelpdeskVerb | null {
  const verb = (value as { action?: { verb?: unknown } } | null | undefined)?.action?.verb;
  if (verb === ESCALATE_VERB) return ESCALATE_VERB;
  return (helpdeskVerbs as readonly unknown[]).includes(verb) ? (verb as HelpdeskVerb) : null;
}

export interface HelpdeskActionsDeps {
  service: HelpdeskService;
  conversationRefs: ConversationRefStore;
  /** HELPDESK_LOCALE: the language of the ticket card. */
  helpdeskLocale: Locale;
  logger: Logger;
  /**
   * When given, "contact the helpdesk" pressed on a step card answers with that step's card
   * (the answer on top) instead of a plain message, so the user can go on where they were.
   */
  enrollment?: Pick<EnrollmentActions, "presentCurrent">;
  /** Told the serviceUrl of every helpdesk invoke (BotHelpdeskNotifier.noteServiceUrl). */
  noteServiceUrl?: (serviceUrl: unknown) => void;
}

const verbToAction = {
  "helpdesk.take": "take",
  "helpdesk.resolve": "resolve",
  "helpdesk.clearLimits": "clearLimits",
  "helpdesk.revokeToken": "revokeToken",
  "helpdesk.invite": "invite",
} as const satisfies Record<HelpdeskVerb, string>;

/**
 * The Teams edge of the helpdesk feature: `adaptiveCard/action` invokes with verb
 * help.escalate (the employee) or helpdesk.* (a helpdesk member on the channel card).
 * Answers with the card that replaces the pressed one.
 */
export class HelpdeskActions {
  constructor(private readonly deps: HelpdeskActionsDeps) {}

  /** InvokeRoute (src/bot/invoke-route.ts): the verbs this class answers. */
  matches(verb: string): boolean {
    return helpdeskVerbOf({ action: { verb } }) !== null;
  }

  /** InvokeRoute: the card that replaces the pressed one. */
  respond(context: TurnContext, caller: Caller): Promise<CardJson> {
    return this.card(context, caller);
  }

  /** True for the invokes this class answers. */
  handles(context: TurnContext): boolean {
    return context.activity.type === "invoke" && context.activity.name === "adaptiveCard/action" && helpdeskVerbOf(context.activity.value) !== null;
  }

  /** The invoke response for a helpdesk invoke (see `handles`); `caller` as the main bot resolved it. */
  async invokeResponse(context: TurnContext, caller: Caller | null): Promise<InvokeResponse> {
    return { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD, value: await this.card(context, caller) } };
  }

  /** The card to answer the invoke with. */
  async card(context: TurnContext, caller: Caller | null): Promise<CardJson> {
    const verb = helpdeskVerbOf(context.activity.value);
    const parsed = invokeValueSchema.safeParse(context.activity.value);
    const escalating = verb === ESCALATE_VERB;
    const locale: Locale = escalating ? (caller?.locale ?? "sv") : this.deps.helpdeskLocale;
    if (!verb || !parsed.success) return plainCard(locale, t(locale, "error.malformed"));
    if (!caller) return plainCard(locale, t(locale, escalating ? "error.identityUnknown" : "helpdesk.notice.identityUnknown"));
    const { data } = parsed.data.action;
    try {
      if (verb === ESCALATE_VERB) return await this.escalate(context, caller, data.question, data.from === "step");
      this.deps.noteServiceUrl?.(context.activity.serviceUrl);
      const action = verbToAction[verb];
      const result: HelpdeskActionResult = await this.deps.service[action]({ upn: caller.upn }, data.ticketId);
      this.deps.logger.info({ verb, ticketId: data.ticketId, actor: caller.userKey, changed: result.changed, notice: result.refusal?.key ?? result.view?.notice?.key }, "helpdesk action");
      // Refused (not a helpdesk member, or the directory cannot tell): the reason, nothing about the ticket.
      if (result.refusal) return plainCard(locale, cardT(locale, result.refusal.key, result.refusal.params));
      if (!result.view) return plainCard(locale, t(locale, "helpdesk.notice.notFound"));
      return renderTicketCard(result.view, locale);
    } catch (error) {
      this.deps.logger.error({ err: errorFields(error), verb, user: caller.userKey }, "helpdesk action failed");
      return plainCard(locale, t(locale, "error.generic"));
    }
  }

  private async escalate(context: TurnContext, caller: Caller, question: string | undefined, fromStepCard: boolean): Promise<CardJson> {
    // The employee's chat, so the helpdesk's answers can reach them even if they never typed.
    const reference = TurnContext.getConversationReference(context.activity) as Record<string, unknown>;
    await this.deps.conversationRefs.upsert({ userKey: caller.userKey, upn: caller.upn, locale: caller.locale, reference, updatedAt: new Date() });
    const result = await this.deps.service.escalate(caller, question);
    this.deps.logger.info({ verb: ESCALATE_VERB, ticketId: result.ticketId, outcome: result.outcome, user: caller.userKey }, "helpdesk escalation");
    return this.employeeCard(caller, result.notice, fromStepCard);
  }

  /** From a step card: that step's card with the answer on top; otherwise the answer alone. */
  private async employeeCard(caller: Caller, notice: Notice, fromStepCard: boolean): Promise<CardJson> {
    const stepCard = fromStepCard && this.deps.enrollment ? await this.deps.enrollment.presentCurrent(caller, notice) : null;
    if (stepCard) return stepCard;
    return plainCard(caller.locale, cardT(caller.locale, notice.key, notice.params), notice.kind === "refusal" ? "Attention" : "Accent");
  }
}

function plainCard(_locale: Locale, text: string, color = "Attention"): CardJson {
  return { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text, wrap: true, color }] };
}
