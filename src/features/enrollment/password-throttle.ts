import type { RateCounter } from "../../ports/stores.js";
import { AttemptLimit, type ThrottleVerdict } from "../shared/attempt-limit.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import { passwordCheckRateKey } from "../shared/rate-keys.js";

export type { ThrottleVerdict } from "../shared/attempt-limit.js";

/**
 * At most `passwordChecksMax` password checks per user in `passwordChecksWindowMinutes`,
 * across instances, counted before the bind (AttemptLimit): the failure count in the
 * enrollment state is only saved after the bind, so without this a burst of submits would
 * all reach the directory (and lock the AD account).
 */
export class PasswordThrottle {
  private readonly limit: AttemptLimit;

  constructor(rates: RateCounter, policy: Pick<EnrollmentPolicy, "passwordChecksMax" | "passwordChecksWindowMinutes">) {
    this.limit = new AttemptLimit(rates, { max: policy.passwordChecksMax, windowMs: policy.passwordChecksWindowMinutes * 60_000 });
  }

  admit(upn: string, now: Date): Promise<ThrottleVerdict> {
    return this.limit.throttle(passwordCheckRateKey(upn), now);
  }
}
