import type { Clock } from "../../ports/clock.js";
import type { Directory } from "../../ports/directory.js";
import type { EmployeeMessage, HelpdeskNotifier } from "../../ports/helpdesk-notifier.js";
import type { AuditLog, AuditOutcome, EnrollmentStore, RateCounter, TokenStore } from "../../ports/stores.js";
import type { Ticket, TicketStore } from "../../ports/tickets.js";
import type { AttemptWindow } from "../shared/attempt-limit.js";
import type { Wait } from "../../ports/reminders.js";
import type { Notice } from "../../ports/notice.js";
import type { ChannelPacerOptions } from "./channel-pacer.js";
import type { TicketView } from "../../ports/ticket-view.js";
import type { TemporaryAccessStore } from "../../ports/temporary-access.js";
import type { TemporaryAccessIssuer } from "../validation/temporary-access-issuer.js";

/** What the helpdesk's temporary access button needs. */
export interface HelpdeskTemporaryAccess {
  issuer: Pick<TemporaryAccessIssuer, "issue">;
  /** TEMP_ACCESS_HOURS, for the confirmation question. */
  hours: number;
}

export interface HelpdeskDeps {
  tickets: TicketStore;
  notifier: HelpdeskNotifier;
  directory: Directory;
  enrollments: EnrollmentStore;
  tokens: TokenStore;
  rates: RateCounter;
  audit: AuditLog;
  clock: Clock;
  /** How the channel's pacing waits for a slot or a Retry-After (tests move a fake clock). */
  wait: Wait;
  /** The helpdesk group (AD group DN; "helpdesk" in the demo directory). */
  helpdeskGroupId: string;
  /** Issues the "temporary code"; its store shows it on the card and "Clear blocks" ends it. */
  temporaryAccess: HelpdeskTemporaryAccess & { store: Pick<TemporaryAccessStore, "latest" | "end"> };
  /** Ticket ids; random UUIDs unless a test wants fixed ones. */
  newId?: () => string;
  /** Escalations per user (default ESCALATION_LIMIT: 5 in 10 minutes). */
  escalationLimit?: AttemptWindow;
  /** Retries and waits of the channel's card writes (default defaultChannelPacerOptions). */
  channelPacing?: Partial<ChannelPacerOptions>;
}

/** A helpdesk member acting on a ticket card: their UPN as Teams reports it. */
export interface Actor {
  upn: string;
}

export type HelpdeskAction = "take" | "resolve" | "clearLimits" | "revokeToken" | "invite" | "temporaryAccess";

export interface EscalationResult {
  /**
   * created: new ticket; updated: added to the open one; failed: the helpdesk could not be
   * reached (the ticket is kept); refused: over the per-user limit (nothing changed).
   */
  outcome: "created" | "updated" | "failed" | "refused";
  ticketId?: string;
  /** What to tell the employee. */
  notice: Notice;
}

export interface HelpdeskActionResult {
  /** The ticket as it is now (null when it does not exist or the actor may not see it): the card to show. */
  view: TicketView | null;
  /** False when refused or nothing changed. */
  changed: boolean;
  /**
   * Set when the actor is not shown as a helpdesk member (not in the group, or the
   * directory could not tell): the only thing to show them. Nothing about the ticket.
   */
  refusal?: Notice;
  /** The temporary access button's first press: the card asks to confirm (nothing created yet). */
  confirmTemporaryAccess?: boolean;
  /** The temporary code just issued: for the pressing member's card only, this once. */
  temporaryCode?: { code: string; reusable: boolean };
}

/** What an action decided, before it is saved, audited and told (internal to the service). */
export interface Decision {
  /** The ticket to save (undefined: the ticket stays as it is). */
  ticket?: Ticket;
  notice: Notice;
  outcome: AuditOutcome;
  detail?: Record<string, string | number | boolean>;
  /** Told to the employee after the save. */
  tell?: EmployeeMessage;
  /**
   * The decision already changed something outside the ticket (token, limits, a message):
   * a lost ticket save must not decide (and do it) again, only re-save the ticket.
   */
  effectful?: boolean;
  /** Only a question back to the member (a confirmation): nothing happened, nothing to audit. */
  unaudited?: boolean;
}
