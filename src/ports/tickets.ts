import type { Locale } from "../i18n/messages.js";
import type { EnrollmentStep } from "./enrollment-state.js";
import type { Versioned } from "./stores.js";

/**
 * Helpdesk tickets (escalations from the enrollment chat) and the "Did this help?"
 * feedback on knowledge-base answers. Implementations: src/adapters/sql/ticket-store.ts
 * (SQLite and PostgreSQL through one Kysely code path).
 */

/** open → taken (by a helpdesk member) → resolved. "open" and "taken" count as open. */
export type TicketStatus = "open" | "taken" | "resolved";

export const openStatuses: readonly TicketStatus[] = ["open", "taken"];

export interface TicketQuestion {
  /** Cleaned free text (trimmed, control characters stripped, at most 1000 characters). */
  text: string;
  /** ISO time. */
  at: string;
}

/** Where the ticket's card lives in the helpdesk channel, to update it in place. */
export interface MessageRef {
  conversationId: string;
  activityId: string;
  serviceUrl: string;
}

export interface Ticket {
  id: string;
  /** The employee's UPN (lowercase): the audit subject. */
  subject: string;
  /** The employee's Teams user key (EnrollmentStore / ConversationRefStore key). */
  userKey: string;
  /** Directory login name (lowercase), when known: what the token store is keyed by. */
  loginName?: string;
  status: TicketStatus;
  /** Helpdesk UPN that took the ticket. */
  takenBy?: string;
  /** Helpdesk UPN that resolved it. */
  resolvedBy?: string;
  questions: TicketQuestion[];
  /** Snapshot of the employee's enrollment step and last refusal (i18n key) at escalation. */
  step?: EnrollmentStep;
  lastError?: string;
  /** The employee's chat language, for what the bot tells them. */
  locale: Locale;
  createdAt: string;
  updatedAt: string;
  resolvedAt?: string;
  /** Unset until the card was posted to the helpdesk channel. */
  channelMessage?: MessageRef;
}

export interface TicketListFilter {
  status?: readonly TicketStatus[];
  subject?: string;
  /** Newest first; default 100. */
  limit?: number;
}

export interface TicketStore {
  /**
   * Inserts a new ticket (version 1). Throws ConcurrentUpdateError when the id exists or
   * when the subject already has an open (open or taken) ticket: the database keeps
   * one open ticket per subject.
   */
  create(ticket: Ticket): Promise<number>;
  get(id: string): Promise<Versioned<Ticket> | null>;
  /** The subject's open or taken ticket, if any (subject matched lowercase). */
  findOpenForSubject(subject: string): Promise<Versioned<Ticket> | null>;
  /** Compare-and-set on version; throws ConcurrentUpdateError when it moved. Returns the new version. */
  save(ticket: Ticket, expectedVersion: number): Promise<number>;
  list(filter?: TicketListFilter): Promise<Ticket[]>;
}

export interface ArticleFeedback {
  articleId: string;
  locale: Locale;
  helpful: boolean;
  /** Who answered (UPN, lowercase) or the Teams user key when the UPN is unknown. */
  subject: string;
  at: Date;
}

export interface ArticleFeedbackCount {
  articleId: string;
  helpful: number;
  notHelpful: number;
}

/** "Did this help?" answers (verb help.feedback), append-only, counted per article. */
export interface ArticleFeedbackStore {
  record(feedback: ArticleFeedback): Promise<void>;
  /** One row per article that has feedback, ordered by article id. */
  countsByArticle(): Promise<ArticleFeedbackCount[]>;
}
