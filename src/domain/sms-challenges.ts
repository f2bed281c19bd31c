import type { RateCounter } from "../ports/stores.js";
import type { SecretBox } from "../ports/secret-box.js";
import { sameDigest, randomSixDigits } from "./codes.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import type { EnrollmentState, SmsChallenge } from "./enrollment-state.js";
import { smsFailureRateKey, smsUserRateKey as userKey } from "./rate-keys.js";
import type { Notice } from "./step-view.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const GLOBAL_KEY = "sms:global";

export type SmsVerdict = { ok: true } | { ok: false; notice: Notice; countAttempt: boolean };

/**
 * The second proof: possession of the phone registered in the directory. Codes come from
 * the CSPRNG, are stored only as a keyed hash bound to the flow, expire, and are limited
 * per code, per user and hour, and globally (SMS pumping costs real money). Wrong codes are
 * also capped per user and day: a new code needs no new password, so the per-code tries
 * alone would allow hundreds of guesses a day.
 */
export class SmsChallenges {
  constructor(
    private readonly rates: RateCounter,
    private readonly secrets: SecretBox,
    private readonly policy: EnrollmentPolicy,
  ) {}

  hash(flowId: string, code: string): string {
    return this.secrets.mac(`sms:${flowId}:${code}`);
  }

  /** A refusal when another code may not be sent now; null when it may. */
  async quotaRefusal(state: EnrollmentState, now: Date): Promise<Notice | null> {
    if (await this.tooManyWrongToday(state.callerUpn, now)) return { key: "error.smsTooManyToday", kind: "refusal" };
    if (state.lastSmsSentAt) {
      const waitMs = Date.parse(state.lastSmsSentAt) + this.policy.smsResendCooldownSeconds * 1000 - now.getTime();
      if (waitMs > 0) {
        return { key: "error.smsCooldown", params: { seconds: Math.ceil(waitMs / 1000) }, kind: "refusal" };
      }
    }
    const hourAgo = new Date(now.getTime() - HOUR_MS);
    if ((await this.rates.countSince(userKey(state.callerUpn), hourAgo)) >= this.policy.smsMaxPerUserPerHour) {
      return { key: "error.smsHourlyCap", kind: "refusal" };
    }
    if ((await this.rates.countSince(GLOBAL_KEY, hourAgo)) >= this.policy.smsMaxGlobalPerHour) {
      return { key: "error.smsUnavailable", kind: "refusal" };
    }
    return null;
  }

  /** A fresh code and the challenge to store (the code itself is never stored). */
  issue(flowId: string, now: Date): { code: string; challenge: SmsChallenge } {
    const code = randomSixDigits();
    return {
      code,
      challenge: {
        codeHash: this.hash(flowId, code),
        sentAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.policy.smsCodeTtlSeconds * 1000).toISOString(),
        attempts: 0,
      },
    };
  }

  /** Counts a sent message against the caps. */
  async recordSent(upn: string, now: Date): Promise<void> {
    await this.rates.record(userKey(upn), now);
    await this.rates.record(GLOBAL_KEY, now);
  }

  /** True once the user typed the day's maximum of wrong codes: no code is checked (or sent) then. */
  async tooManyWrongToday(upn: string, now: Date): Promise<boolean> {
    return (await this.wrongToday(upn, now)) >= this.policy.smsWrongMaxPerDay;
  }

  /** Counts a wrong code against the daily cap; true when that used up the day's tries. */
  async recordWrong(upn: string, now: Date): Promise<boolean> {
    await this.rates.record(smsFailureRateKey(upn), now);
    return this.tooManyWrongToday(upn, now);
  }

  private wrongToday(upn: string, now: Date): Promise<number> {
    return this.rates.countSince(smsFailureRateKey(upn), new Date(now.getTime() - DAY_MS));
  }

  verify(state: EnrollmentState, code: string, now: Date): SmsVerdict {
    const challenge = state.sms;
    if (!challenge || Date.parse(challenge.expiresAt) <= now.getTime()) {
      return { ok: false, notice: { key: "error.smsExpired", kind: "refusal" }, countAttempt: false };
    }
    if (challenge.attempts >= this.policy.smsMaxAttempts) {
      return { ok: false, notice: { key: "error.smsTooManyAttempts", kind: "refusal" }, countAttempt: false };
    }
    if (sameDigest(this.hash(state.flowId, code), challenge.codeHash)) return { ok: true };
    const remaining = this.policy.smsMaxAttempts - challenge.attempts - 1;
    const notice: Notice =
      remaining > 0
        ? { key: "error.smsWrong", params: { remaining }, kind: "refusal" }
        : { key: "error.smsTooManyAttempts", kind: "refusal" };
    return { ok: false, notice, countAttempt: true };
  }
}
