import type { RateCounter } from "../ports/stores.js";
import { AttemptLimiter, type ThrottleVerdict } from "./attempt-window.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import { passwordCheckRateKey } from "./rate-keys.js";

export type { ThrottleVerdict } from "./attempt-window.js";

/**
 * At most `passwordChecksMax` password checks per user in `passwordChecksWindowMinutes`,
 * across instances. Insert, then count (AttemptLimiter): no more than the maximum reach the
 * directory's bind however many arrive at once (the failure count in the enrollment state is
 * only saved after the bind). A refused check is counted too: retrying while refused keeps
 * the window full.
 */
export class PasswordThrottle {
  private readonly attempts: AttemptLimiter;

  constructor(
    rates: RateCounter,
    private readonly policy: Pick<EnrollmentPolicy, "passwordChecksMax" | "passwordChecksWindowMinutes">,
  ) {
    this.attempts = new AttemptLimiter(rates);
  }

  admit(upn: string, now: Date): Promise<ThrottleVerdict> {
    return this.attempts.admit(passwordCheckRateKey(upn), { max: this.policy.passwordChecksMax, windowMinutes: this.policy.passwordChecksWindowMinutes }, now);
  }
}
