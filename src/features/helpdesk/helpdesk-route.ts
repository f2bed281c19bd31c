import { errorFields } from "../shared/error-fields.js";
import type { Logger } from "pino";
import { z } from "zod";
import type { HelpdeskActionResult, HelpdeskService } from "./helpdesk-service.js";
import type { Notice } from "../../ports/notice.js";
import type { Caller } from "../../ports/caller.js";
import type { Locale } from "../../i18n/messages.js";
import type { ActionData, ChatTurn, Reply, Route } from "../shared/route.js";
import type { EnrollmentActions } from "../enrollment/enrollment-route.js";
import { helpdeskVerbs, renderTicketCard, type HelpdeskVerb } from "./ticket-card.js";

/** The employee's "contact the helpdesk" button (data: optional `question`). */
export const ESCALATE_VERB = "help.escalate";

/** Longer than any question a card input allows (1000); anything longer is malformed. */
const MAX_QUESTION_INPUT = 4000;

const dataSchema = z
  .object({
    ticketId: z.string().max(64).optional(),
    question: z.string().max(MAX_QUESTION_INPUT).optional(),
    confirm: z.boolean().optional(),
  })
  .catchall(z.unknown());

export interface HelpdeskActionsDeps {
  service: HelpdeskService;
  /** HELPDESK_LOCALE: the language of the ticket card. */
  helpdeskLocale: Locale;
  logger: Logger;
  /**
   * When given, "contact the helpdesk" pressed on a step card answers with that step's card
   * (the answer on top) instead of a plain message, so the user can go on where they were.
   */
  enrollment?: Pick<EnrollmentActions, "presentCurrent">;
}

const verbToAction = {
  "helpdesk.take": "take",
  "helpdesk.resolve": "resolve",
  "helpdesk.clearLimits": "clearLimits",
  "helpdesk.revokeToken": "revokeToken",
  "helpdesk.invite": "invite",
} as const satisfies Record<Exclude<HelpdeskVerb, "helpdesk.temporaryAccess">, string>;

/**
 * The helpdesk feature's buttons: help.escalate (the employee) or helpdesk.* (a helpdesk
 * member on the channel card). Answers with the card that replaces the pressed one.
 */
export class HelpdeskActions implements Route {
  readonly verbs = [ESCALATE_VERB, ...helpdeskVerbs] as const;

  constructor(private readonly deps: HelpdeskActionsDeps) {}

  async respond(verb: string, rawData: ActionData, caller: Caller, chat: ChatTurn): Promise<Reply> {
    const escalating = verb === ESCALATE_VERB;
    const locale: Locale = escalating ? caller.locale : this.deps.helpdeskLocale;
    const parsed = dataSchema.safeParse(rawData);
    if (!parsed.success) return notice(locale, "error.malformed");
    const data = parsed.data;
    try {
      if (escalating) return await this.escalate(caller, chat, data.question, data.from === "step");
      const actor = { upn: caller.upn };
      const result: HelpdeskActionResult =
        verb === "helpdesk.temporaryAccess"
          ? await this.deps.service.temporaryAccess(actor, data.ticketId, data.confirm === true)
          : await this.deps.service[verbToAction[verb as keyof typeof verbToAction]](actor, data.ticketId);
      this.deps.logger.info(
        {
          verb,
          ticketId: data.ticketId,
          actor: caller.userKey,
          changed: result.changed,
          notice: result.refusal?.key ?? result.view?.notice?.key,
        },
        "helpdesk action",
      );
      // Refused (not a helpdesk member, or the directory cannot tell): the reason, nothing about the ticket.
      if (result.refusal) return { notice: { ...result.refusal, kind: "refusal" }, locale };
      if (!result.view) return notice(locale, "helpdesk.notice.notFound");
      // The temporary code (if one was just issued) is in this answer alone: never posted, stored or logged.
      return { card: renderTicketCard(result.view, locale, result.view.notice, result) };
    } catch (error) {
      this.deps.logger.error({ err: errorFields(error), verb, user: caller.userKey }, "helpdesk action failed");
      return notice(locale, "error.generic");
    }
  }

  private async escalate(caller: Caller, chat: ChatTurn, question: string | undefined, fromStepCard: boolean): Promise<Reply> {
    // The employee's chat, so the helpdesk's answers can reach them even if they never typed.
    await chat.rememberConversation();
    const result = await this.deps.service.escalate(caller, question);
    this.deps.logger.info(
      { verb: ESCALATE_VERB, ticketId: result.ticketId, outcome: result.outcome, user: caller.userKey },
      "helpdesk escalation",
    );
    // From a step card: that step's card with the answer on top; otherwise the answer alone.
    const stepCard = fromStepCard && this.deps.enrollment ? await this.deps.enrollment.presentCurrent(caller, result.notice) : null;
    return stepCard ? { card: stepCard } : { notice: result.notice };
  }
}

function notice(locale: Locale, key: Notice["key"]): Reply {
  return { notice: { key, kind: "refusal" }, locale };
}
