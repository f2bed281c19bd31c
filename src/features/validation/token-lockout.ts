import type { TokenStore, TokenTry } from "../../ports/stores.js";
import type { ValidationPolicy } from "./validation-policy.js";

const MINUTE_MS = 60_000;

export type LockVerdict =
  | { admitted: true; token: TokenTry /** Tries left after this one before the token locks. */; remaining: number }
  | { admitted: false; token: TokenTry; lockedUntil: Date };

/**
 * The token's failure counter: after `maxFailures` consecutive wrong codes the token is
 * locked for `lockMinutes`; a right code (an accepted login) starts the count afresh, and so
 * does the end of a lock. Every try is counted before its code is compared, in one atomic
 * write on the token's row (TokenStore.countTry), so a burst of guesses, on any number of
 * instances, compares at most `maxFailures` codes per lock cycle: the k-th try to be
 * counted is told it is the k-th.
 */
export class TokenLockout {
  constructor(
    private readonly tokens: TokenStore,
    private readonly policy: Pick<ValidationPolicy, "maxFailures" | "lockMinutes">,
  ) {}

  /** Counts a try at the login's active token; null when there is none. A locked token is not counted. */
  async admit(loginName: string, now: Date): Promise<LockVerdict | null> {
    const token = await this.tokens.countTry(loginName, now);
    if (!token) return null;
    if (token.lockedUntil && token.lockedUntil > now) return { admitted: false, token, lockedUntil: token.lockedUntil };
    const tries = token.failedTries ?? 1;
    if (tries <= this.policy.maxFailures) return { admitted: true, token, remaining: this.policy.maxFailures - tries };
    // A try that raced past the lock (counted after the one that used the last chance).
    return { admitted: false, token, lockedUntil: await this.lock(token.id, now) };
  }

  /** After a wrong code that used the last try: the token locks now. */
  async lock(tokenId: string, now: Date): Promise<Date> {
    const until = new Date(now.getTime() + this.policy.lockMinutes * MINUTE_MS);
    await this.tokens.lock(tokenId, until);
    return until;
  }
}
