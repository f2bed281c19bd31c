import type { TicketView } from "./ticket-view.js";
import type { MessageKey } from "../i18n/messages.js";
import type { MessageRef } from "./tickets.js";

/** A message for the employee's own chat, written in their language by the adapter. */
export type EmployeeMessage =
  | { kind: "text"; key: MessageKey; params?: Record<string, string | number> }
  /** The text (if any) followed by a fresh welcome card to start enrolling. */
  | { kind: "invitation"; key: MessageKey; params?: Record<string, string | number> };

/**
 * The helpdesk channel and the employee's chat, as the helpdesk feature talks to them.
 * Implementation: src/bot/edge/helpdesk-notifier.ts (Bot Framework proactive messages).
 */
export interface HelpdeskNotifier {
  /** Posts a new ticket card in the helpdesk channel; returns where it is, for updates. */
  postTicketCard(view: TicketView): Promise<MessageRef>;
  /** Replaces the posted card in place. */
  updateTicketCard(ref: MessageRef, view: TicketView): Promise<void>;
  /**
   * Sends the employee a message through their stored conversation reference.
   * False when the bot has no conversation with them (nothing sent).
   */
  notifyEmployee(userKey: string, message: EmployeeMessage): Promise<boolean>;
}
