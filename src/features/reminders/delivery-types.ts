/** Options, dependencies and results of the DeliveryRunner (delivery-runner.ts). */
import type { Clock } from "../../ports/clock.js";
import type { AuditLog, ConversationRefStore, TokenStore } from "../../ports/stores.js";
import type { ProactiveSender, ReminderStore, SenderLease, Wait } from "../../ports/reminders.js";
import type { RateLimiter } from "./rate-limiter.js";

export interface DeliveryOptions {
  /** Concurrent requests (one claimed row each). Real Teams latency ~100–300 ms needs ~8–16 for 50/s. */
  workers: number;
  /** Requests per row before giving up (each claim is one). */
  maxAttempts: number;
  /** A "sending" row older than this belongs to a dead worker and is retried. */
  leaseMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  batchSize: number;
  /** Unique per process, e.g. `${hostname}:${pid}`. */
  workerPrefix: string;
  /**
   * Wait for every row of the campaign to finish, including rows claimed by other (or dead)
   * instances, which are taken over when their lease runs out (`--now`). Otherwise stop when
   * nothing is left that this process can send (its own retries are still waited for).
   */
  untilComplete: boolean;
  /** Sender lease ttl (REMINDER_SENDER_LEASE_SECONDS): renewed every third of it; a crashed holder's runs out after it. */
  senderLeaseMs: number;
  /** How often a run waiting for the sender lease asks again. */
  senderLeaseRetryMs: number;
}

export const defaultDeliveryOptions: DeliveryOptions = {
  workers: 8,
  maxAttempts: 6,
  leaseMs: 120_000,
  baseBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  batchSize: 500,
  workerPrefix: "reminders",
  untilComplete: true,
  senderLeaseMs: 30_000,
  senderLeaseRetryMs: 250,
};

export interface DeliveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DeliveryDeps {
  store: ReminderStore;
  sender: ProactiveSender;
  tokens: Pick<TokenStore, "findActive">;
  conversations: Pick<ConversationRefStore, "get">;
  clock: Clock;
  wait: Wait;
  limiter: RateLimiter;
  /** One sender at a time across instances; absent: this runner sends whenever it has rows (one instance only). */
  lease?: SenderLease;
  logger?: DeliveryLogger;
  /**
   * The audit trail (the CLI's own keyed chain): one row per person reminded ("reminder.sent")
   * or given up on ("reminder.failed"), so the trail shows every message the bot started.
   */
  audit?: Pick<AuditLog, "append">;
}

export interface DeliveryCounts {
  sent: number;
  failed: number;
  skippedEnrolled: number;
  notReachable: number;
  /** Snoozed or declined between planning and sending. */
  snoozed: number;
  retries: number;
  throttled: number;
}

const RETRYABLE_STATUSES = new Set([412, 429, 502, 503, 504]);

/** Teams' answers worth retrying (throttled, or a gateway in trouble). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}
