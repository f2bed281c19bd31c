import { setTimeout as sleep } from "node:timers/promises";
import { SmsDeliveryError } from "../../features/shared/errors.js";
import type { SmsSendOptions } from "../../ports/sms-sender.js";
import type { Logger } from "../logger.js";

/** One try at the gateway. `reason` is short and never quotes the message or the number. */
export type AttemptOutcome =
  | { ok: true; status?: number }
  | { ok: false; retryable: boolean; reason: string; status?: number; retryAfterMs?: number };

export interface RetryPolicy {
  /** How long failures are retried after the first try (SMS_RETRY_WINDOW_SECONDS). */
  windowMs: number;
  /** One try's time limit (SMS_GATEWAY_TIMEOUT_MS). */
  attemptTimeoutMs: number;
  /** The first back-off; it doubles per try, with jitter so instances do not retry in step. */
  baseDelayMs: number;
}

/** A try shorter than this is not worth starting. */
const SHORTEST_TRY_MS = 250;

/** 429 (throttled) and 5xx (the gateway's trouble) may pass; other statuses are the request's fault. */
function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** A gateway's refusing status as a try's outcome, with its Retry-After header when it sent one. */
export function statusFailure(status: number, retryAfter: string | null | undefined, reason = `HTTP ${status}`): AttemptOutcome {
  return { ok: false, retryable: isRetryableStatus(status), status, reason, retryAfterMs: retryAfterMs(retryAfter) };
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from now. */
function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retry window (capped by the code's
 * expiry) is spent; then throws SmsDeliveryError. Logs how it went, never the text or the number.
 */
export async function sendWithRetries(
  provider: string,
  attempt: (timeoutMs: number) => Promise<AttemptOutcome>,
  policy: RetryPolicy,
  logger: Logger,
  options: SmsSendOptions = {},
): Promise<void> {
  const started = Date.now();
  const deadline = Math.min(started + policy.windowMs, options.notAfter?.getTime() ?? Number.POSITIVE_INFINITY);
  for (let attempts = 1; ; attempts++) {
    const remaining = deadline - Date.now();
    const outcome = await attempt(attempts === 1 ? policy.attemptTimeoutMs : Math.min(policy.attemptTimeoutMs, remaining));
    if (outcome.ok) {
      logger.info({ provider, status: outcome.status, attempts, ms: Date.now() - started }, "sms sent");
      return;
    }
    const backoff = policy.baseDelayMs * 2 ** (attempts - 1) * (0.5 + Math.random() / 2);
    const wait = Math.max(outcome.retryAfterMs ?? 0, backoff);
    const giveUp = !outcome.retryable || Date.now() + wait + SHORTEST_TRY_MS > deadline;
    logger.warn({ provider, status: outcome.status, reason: outcome.reason, attempts, retrying: !giveUp }, "sms send failed");
    if (giveUp) throw new SmsDeliveryError(`${provider}: ${outcome.reason}`, { status: outcome.status, attempts });
    await sleep(wait);
  }
}
