import type { RateCounter } from "../ports/stores.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import { passwordCheckRateKey } from "./rate-keys.js";

const MINUTE_MS = 60_000;

export type ThrottleVerdict = { ok: true } | { ok: false; minutes: number };

/**
 * At most `passwordChecksMax` password checks per user in `passwordChecksWindowMinutes`,
 * across instances. Insert, then count: the k-th of any number of concurrent checks sees at
 * least k rows, so no more than the maximum reach the directory's bind however many arrive
 * at once (the failure count in the enrollment state is only saved after the bind).
 * A refused check is counted too: retrying while refused keeps the window full.
 */
export class PasswordThrottle {
  constructor(
    private readonly rates: RateCounter,
    private readonly policy: Pick<EnrollmentPolicy, "passwordChecksMax" | "passwordChecksWindowMinutes">,
  ) {}

  async admit(upn: string, now: Date): Promise<ThrottleVerdict> {
    const key = passwordCheckRateKey(upn);
    await this.rates.record(key, now);
    const count = await this.rates.countSince(key, new Date(now.getTime() - this.windowMs()));
    if (count <= this.policy.passwordChecksMax) return { ok: true };
    return { ok: false, minutes: await this.minutesUntilFree(key, now) };
  }

  private windowMs(): number {
    return this.policy.passwordChecksWindowMinutes * MINUTE_MS;
  }

  /**
   * Whole minutes until a new check would be admitted: the first m after which at most
   * max - 1 of the checks recorded so far are still inside the window (a binary search
   * over the window, only on the refused path).
   */
  private async minutesUntilFree(key: string, now: Date): Promise<number> {
    const remainingAfter = (minutes: number) =>
      this.rates.countSince(key, new Date(now.getTime() - this.windowMs() + minutes * MINUTE_MS));
    let low = 1;
    let high = this.policy.passwordChecksWindowMinutes;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await remainingAfter(middle)) <= this.policy.passwordChecksMax - 1) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
