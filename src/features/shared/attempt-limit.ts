import type { RateCounter } from "../../ports/stores.js";

const MINUTE_MS = 60_000;

export interface AttemptWindow {
  /** Attempts admitted in the window; the next one is refused. */
  max: number;
  windowMs: number;
}

export type ThrottleVerdict = { ok: true } | { ok: false; minutes: number };

export type AttemptVerdict =
  | { admitted: true /** This attempt's number in the window (1 = the first). */; count: number; remaining: number }
  | { admitted: false; count: number };

/**
 * The one rule every guess limit follows: count the attempt, then compare it.
 *
 * `admit` records the attempt in the shared RateCounter first and only then counts the
 * window. Of any number of concurrent attempts, on any number of instances, the k-th to be
 * recorded sees at least k rows, so no more than `max` are ever admitted to the comparison:
 * a limit that is checked first and counted after the comparison lets a whole burst through
 * before the first failure is saved. A refused attempt is recorded too, so retrying while
 * refused keeps the window full.
 *
 * Within this process one key's record-and-count also runs one at a time, so a burst is
 * admitted exactly up to `max` (without it, a burst whose inserts all land before its counts
 * would be refused entirely). Across instances a burst can only be under-admitted, never over.
 */
export class AttemptLimit {
  constructor(
    private readonly rates: RateCounter,
    private readonly window: AttemptWindow,
  ) {}

  /** `notBefore`: attempts before it do not count (a window that started afresh, e.g. when a lock ended). */
  async admit(key: string, now: Date, notBefore?: Date): Promise<AttemptVerdict> {
    const start = this.windowStart(now);
    const count = await inTurn(key, async () => {
      await this.rates.record(key, now);
      return this.rates.countSince(key, notBefore && notBefore > start ? notBefore : start);
    });
    return count <= this.window.max ? { admitted: true, count, remaining: this.window.max - count } : { admitted: false, count };
  }

  /** admit, and when refused, how many whole minutes until a new attempt would be admitted. */
  async throttle(key: string, now: Date): Promise<ThrottleVerdict> {
    const verdict = await this.admit(key, now);
    return verdict.admitted ? { ok: true } : { ok: false, minutes: await this.minutesUntilFree(key, now) };
  }

  /** Attempts in the window now, without recording one (for views, never to admit). */
  count(key: string, now: Date): Promise<number> {
    return this.rates.countSince(key, this.windowStart(now));
  }

  /**
   * Whole minutes until a new attempt would be admitted: the first m after which at most
   * max - 1 of the attempts recorded so far are still inside the window. A binary search
   * over the window, meant for the refused path only (it costs a few counts).
   */
  async minutesUntilFree(key: string, now: Date): Promise<number> {
    const windowMinutes = Math.max(1, Math.ceil(this.window.windowMs / MINUTE_MS));
    const remainingAfter = (minutes: number) => this.rates.countSince(key, new Date(this.windowStart(now).getTime() + minutes * MINUTE_MS));
    let low = 1;
    let high = windowMinutes;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await remainingAfter(middle)) <= this.window.max - 1) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  private windowStart(now: Date): Date {
    return new Date(now.getTime() - this.window.windowMs);
  }
}

/** One key's turns within this process: each runs after the previous one has finished. */
const turns = new Map<string, Promise<unknown>>();

function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const turn = (turns.get(key) ?? Promise.resolve()).then(work);
  const done = turn.then(
    () => undefined,
    () => undefined,
  );
  turns.set(key, done);
  void done.then(() => {
    if (turns.get(key) === done) turns.delete(key);
  });
  return turn;
}
