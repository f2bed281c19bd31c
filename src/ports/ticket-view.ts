import type { AccountProblem } from "./directory.js";
import type { TicketQuestion, TicketStatus } from "./tickets.js";
import type { EnrollmentStep } from "./enrollment-state.js";
import type { Notice } from "./notice.js";

/** What the directory says about the employee, as far as the helpdesk needs it. */
export type DirectoryFacts =
  | { found: "unavailable" }
  | { found: "no" }
  | {
      found: "yes";
      /** "enabled", or the first problem that stops enrollment. */
      account: "enabled" | AccountProblem;
      /** Whether a usable mobile number is registered. Never the number itself. */
      hasMobile: boolean;
    };

/** The employee's last logins as the validation service answered them (from the audit trail). */
export interface LoginFacts {
  lastAccepted?: string;
  lastRefused?: { at: string; reason: string };
}

export type TokenFact = { status: "unknown" } | { status: "none" } | { status: "active"; deviceName: string; activatedAt: string };

/**
 * Everything the helpdesk card shows about one ticket. Built by HelpdeskService, rendered
 * by src/features/helpdesk/ticket-card.ts in the helpdesk's language. By construction it carries no
 * secret, code, password or phone number: only the facts listed here.
 */
export interface TicketView {
  ticketId: string;
  status: TicketStatus;
  takenBy?: string;
  resolvedBy?: string;
  /** The helpdesk members' display names from the directory, when it answers (else the card shows the UPN). */
  takenByName?: string;
  resolvedByName?: string;
  /** The employee. */
  upn: string;
  displayName: string;
  loginName?: string;
  department?: string;
  step?: EnrollmentStep;
  /** i18n key of the employee's last refusal (rendered as text for the helpdesk). */
  lastError?: string;
  directory: DirectoryFacts;
  token: TokenFact;
  logins: LoginFacts;
  /** An open helpdesk temporary access grant: until when (never the code). */
  temporaryAccess?: { expiresAt: string; reusable: boolean };
  questions: TicketQuestion[];
  createdAt: string;
  updatedAt: string;
  resolvedAt?: string;
  /** The outcome of the action just taken, or why it was refused. */
  notice?: Notice;
}
