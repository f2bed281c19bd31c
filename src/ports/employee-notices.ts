import type { MessageKey } from "../i18n/messages.js";

/**
 * Notices for an employee's own Teams chat that a process without a Teams connection (the
 * validation service) raises: written to a shared outbox, delivered by the bot. Texts are
 * i18n keys with parameters, written in the employee's language when delivered.
 */
export interface EmployeeNotice {
  id: string;
  /** Whom it concerns (lowercase UPN): the bot finds their chat by it. */
  upn: string;
  key: string;
  params: Record<string, string | number>;
  createdAt: Date;
}

export interface EmployeeNoticeOutbox {
  enqueue(notice: EmployeeNotice): Promise<void>;
  /**
   * Claims up to `limit` undelivered notices for `leaseMs` (claimed by no one else
   * meanwhile, so several bot instances deliver each once; one whose deliverer died is
   * claimed again after the lease), oldest first.
   */
  claim(limit: number, now: Date, leaseMs: number): Promise<EmployeeNotice[]>;
  /** Delivered (or undeliverable: no chat with the employee): never claimed again. */
  done(id: string, at: Date): Promise<void>;
}

/** The employee's own Teams chat, found by UPN (where the bot last talked with them). */
export interface EmployeeChat {
  /**
   * Sends the notice's text in the employee's language, with a "contact the helpdesk" button
   * when asked; false when the bot has no chat with them (nothing sent).
   */
  send(upn: string, notice: { key: MessageKey; params: Record<string, string | number>; helpdeskButton: boolean }): Promise<boolean>;
}
