import type { RateCounter } from "../../ports/stores.js";
import { AttemptLimit } from "../shared/attempt-limit.js";
import { tokenFailureRateKey, tokenLockRateKey } from "../shared/rate-keys.js";
import type { ValidationPolicy } from "./validation-policy.js";

const MINUTE_MS = 60_000;
/** Failures older than this are forgotten (rate events are pruned after 25 hours). */
const FAILURE_MEMORY_MS = 24 * 60 * MINUTE_MS;

export type LockVerdict =
  | { admitted: true; /** Tries left after this one before the token locks. */ remaining: number }
  | { admitted: false; lockedUntil: Date };

/**
 * The token's failure counter: after `maxFailures` consecutive wrong codes the token is
 * locked for `lockMinutes`; a right code (the token's last use) starts the count afresh,
 * and so does the end of a lock. Every try is counted (AttemptLimit) before its code is compared, so a burst of
 * guesses, on any number of instances, compares at most `maxFailures` codes per lock cycle.
 *
 * The lock is derived, not stored in the token row: the time it started is a rate event,
 * and a cycle's tries are those recorded after the previous lock ended and after the last
 * accepted login (so a login costs no write to forget its try).
 */
export class TokenLockout {
  private readonly tries: AttemptLimit;

  constructor(
    private readonly rates: RateCounter,
    private readonly policy: Pick<ValidationPolicy, "maxFailures" | "lockMinutes">,
  ) {
    this.tries = new AttemptLimit(rates, { max: policy.maxFailures, windowMs: FAILURE_MEMORY_MS });
  }

  /**
   * Counts a try at the token's code; admitted tries may be compared. A try while locked is
   * refused before it is counted (the lock's end starts a fresh cycle). A try that raced
   * past the lock check is still counted in the cycle the lock closed, so it is one too many.
   */
  async admit(tokenId: string, now: Date, lastUsedAt?: Date): Promise<LockVerdict> {
    const lockEnd = await this.lockEnd(tokenId);
    if (lockEnd && lockEnd > now) return { admitted: false, lockedUntil: lockEnd };
    // Tries up to the last accepted login (its own try included) are not failures in a row.
    const afterUse = lastUsedAt ? new Date(lastUsedAt.getTime() + 1) : undefined;
    const cycleStart = lockEnd && afterUse ? new Date(Math.max(lockEnd.getTime(), afterUse.getTime())) : (lockEnd ?? afterUse);
    const verdict = await this.tries.admit(tokenFailureRateKey(tokenId), now, cycleStart);
    if (verdict.admitted) return { admitted: true, remaining: verdict.remaining };
    return { admitted: false, lockedUntil: await this.lock(tokenId, now) };
  }

  /** After a wrong code that used the last try: the token locks now. */
  async lock(tokenId: string, now: Date): Promise<Date> {
    await this.rates.record(tokenLockRateKey(tokenId), now);
    return new Date(now.getTime() + this.policy.lockMinutes * MINUTE_MS);
  }

  /** When the token's lock ends, or null when it is not locked (for the bot's answers). */
  async lockedUntil(tokenId: string, now: Date): Promise<Date | null> {
    const lockEnd = await this.lockEnd(tokenId);
    return lockEnd && lockEnd > now ? lockEnd : null;
  }

  /** The end of the token's latest lock (past or future); null when it was never locked. */
  private async lockEnd(tokenId: string): Promise<Date | null> {
    const lockStart = await this.rates.latestAt(tokenLockRateKey(tokenId));
    return lockStart ? new Date(lockStart.getTime() + this.policy.lockMinutes * MINUTE_MS) : null;
  }
}

/** The helpdesk's "Clear blocks": the token is not locked and its count of wrong codes starts afresh. */
export async function clearTokenLock(rates: RateCounter, tokenId: string): Promise<void> {
  await rates.clear(tokenFailureRateKey(tokenId));
  await rates.clear(tokenLockRateKey(tokenId));
}
