import type { RateCounter } from "../ports/stores.js";

const MINUTE_MS = 60_000;

/** At most `max` attempts per key in any `windowMinutes` (a sliding window in the RateCounter). */
export interface AttemptWindowPolicy {
  max: number;
  windowMinutes: number;
}

export type ThrottleVerdict = { ok: true } | { ok: false; minutes: number };

/**
 * Per-key attempt limits over the shared RateCounter, counted before the work they guard.
 *
 * Insert, then count: each attempt is recorded first, then the window is counted, so the
 * k-th of any number of concurrent attempts sees at least k rows and no more than `max` are
 * admitted however many arrive at once, on however many instances share the RateCounter.
 * A refused attempt is recorded too: retrying while refused keeps the window full.
 *
 * Within this process the record-and-count of one key is also serialized, so a burst is
 * admitted exactly up to `max` (without it, a burst whose inserts all land before its counts
 * would be refused entirely). Across instances a burst can only be under-admitted, never over.
 */
export class AttemptLimiter {
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(private readonly rates: RateCounter) {}

  async admit(key: string, policy: AttemptWindowPolicy, now: Date): Promise<ThrottleVerdict> {
    const count = await this.inTurn(key, async () => {
      await this.rates.record(key, now);
      return this.rates.countSince(key, new Date(now.getTime() - policy.windowMinutes * MINUTE_MS));
    });
    if (count <= policy.max) return { ok: true };
    return { ok: false, minutes: await this.minutesUntilFree(key, policy, now) };
  }

  /** Runs `work` after every earlier turn of the same key has finished. */
  private inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.turns.get(key) ?? Promise.resolve()).then(work);
    const done = turn.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(key, done);
    void done.then(() => {
      if (this.turns.get(key) === done) this.turns.delete(key);
    });
    return turn;
  }

  /**
   * Whole minutes until a new attempt would be admitted: the first m after which at most
   * max - 1 of the attempts recorded so far are still inside the window (a binary search
   * over the window, only on the refused path).
   */
  private async minutesUntilFree(key: string, policy: AttemptWindowPolicy, now: Date): Promise<number> {
    const windowMs = policy.windowMinutes * MINUTE_MS;
    const remainingAfter = (minutes: number) => this.rates.countSince(key, new Date(now.getTime() - windowMs + minutes * MINUTE_MS));
    let low = 1;
    let high = policy.windowMinutes;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await remainingAfter(middle)) <= policy.max - 1) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
