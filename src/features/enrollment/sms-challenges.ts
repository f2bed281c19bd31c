import type { RateCounter } from "../../ports/stores.js";
import type { SecretBox } from "../../ports/secret-box.js";
import { AttemptLimit } from "../shared/attempt-limit.js";
import { sameDigest, randomSixDigits } from "../shared/codes.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import type { SmsChallenge } from "../../ports/enrollment-state.js";
import type { EnrollmentState } from "../../ports/enrollment-state.js";
import { smsCodeTryRateKey, smsFailureRateKey, smsUserRateKey as userKey } from "../shared/rate-keys.js";
import type { Notice } from "../../ports/notice.js";
import { localTime } from "../../i18n/local-time.js";

/** The stored form of an SMS code: a keyed hash bound to its flow (also how the app-code step recognises it). */
export function smsCodeHash(secrets: SecretBox, flowId: string, code: string): string {
  return secrets.mac(`sms:${flowId}:${code}`);
}

const refused = (key: Notice["key"]): SmsVerdict => ({ ok: false, notice: { key, kind: "refusal" }, compared: false, reason: key });

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const GLOBAL_KEY = "sms:global";

export type SmsVerdict =
  | { ok: true }
  /**
   * `tries`: this guess's number at the code, when it was compared (for the helpdesk);
   * `reason`: what the audit trail records (the code's verdict, also when the day's tries ran out with it).
   */
  | { ok: false; notice: Notice; compared: boolean; tries?: number; reason: string };

/**
 * The second proof: possession of the phone registered in the directory. Codes come from
 * the CSPRNG, are stored only as a keyed hash bound to the flow, expire, and are limited
 * per code, per user and day, per user and hour, and globally (SMS pumping costs real
 * money). The daily cap exists because a new code needs no new password: the per-code
 * tries alone would allow hundreds of guesses a day.
 *
 * Every guess is counted (AttemptLimit: insert, then count) before it is compared, in the
 * shared rate table, never in the saved state: a burst of concurrent guesses, on any number
 * of instances, compares at most the limit, whichever of them wins the state's save.
 */
export class SmsChallenges {
  private readonly perCode: AttemptLimit;
  private readonly perDay: AttemptLimit;

  constructor(
    private readonly rates: RateCounter,
    private readonly secrets: SecretBox,
    private readonly policy: EnrollmentPolicy,
  ) {
    this.perCode = new AttemptLimit(rates, { max: policy.smsMaxAttempts, windowMs: policy.smsCodeTtlSeconds * 1000 });
    this.perDay = new AttemptLimit(rates, { max: policy.smsWrongMaxPerDay, windowMs: DAY_MS });
  }

  hash(flowId: string, code: string): string {
    return smsCodeHash(this.secrets, flowId, code);
  }

  /** A refusal when another code may not be sent now; null when it may. */
  async quotaRefusal(state: EnrollmentState, now: Date): Promise<Notice | null> {
    if (await this.triesUsedUpToday(state.callerUpn, now)) return { key: "error.smsTooManyToday", kind: "refusal" };
    if (state.lastSmsSentAt) {
      const waitMs = Date.parse(state.lastSmsSentAt) + this.policy.smsResendCooldownSeconds * 1000 - now.getTime();
      if (waitMs > 0) {
        return { key: "error.smsCooldown", params: { seconds: Math.ceil(waitMs / 1000) }, kind: "refusal" };
      }
    }
    const hourAgo = new Date(now.getTime() - HOUR_MS);
    if ((await this.rates.countSince(userKey(state.callerUpn), hourAgo)) >= this.policy.smsMaxPerUserPerHour) {
      // An hour after the newest code, rounded up to the minute: never a time that is still refused
      // (the oldest code's hour may free a slot sooner; the card then says a little later than needed).
      const latest = (await this.rates.latestAt(userKey(state.callerUpn))) ?? now;
      const allowedAt = new Date(Math.ceil((latest.getTime() + HOUR_MS) / 60_000) * 60_000);
      return { key: "error.smsHourlyCap", params: { time: localTime(allowedAt) }, kind: "refusal" };
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

  /**
   * Checks a typed code: expiry first (nothing to compare), then the guess is counted
   * against the day and against the code, and only an admitted guess is compared.
   */
  async verify(state: EnrollmentState, code: string, now: Date): Promise<SmsVerdict> {
    const challenge = state.sms;
    if (!challenge || Date.parse(challenge.expiresAt) <= now.getTime()) {
      return refused("error.smsExpired");
    }
    const today = await this.perDay.admit(smsFailureRateKey(state.callerUpn), now);
    if (!today.admitted) return refused("error.smsTooManyToday");
    const atCode = await this.perCode.admit(smsCodeTryRateKey(state.flowId, challenge.sentAt), now);
    if (!atCode.admitted) return refused("error.smsTooManyAttempts");
    if (sameDigest(this.hash(state.flowId, code), challenge.codeHash)) return { ok: true };
    const codeNotice: Notice =
      atCode.remaining > 0
        ? { key: "error.smsWrong", params: { remaining: atCode.remaining }, kind: "refusal" }
        : { key: "error.smsTooManyAttempts", kind: "refusal" };
    const notice: Notice = today.remaining === 0 ? { key: "error.smsTooManyToday", kind: "refusal" } : codeNotice;
    return { ok: false, notice, compared: true, tries: atCode.count, reason: codeNotice.key };
  }

  /** True once the user used the day's tries: no new code is sent then. */
  private async triesUsedUpToday(upn: string, now: Date): Promise<boolean> {
    return (await this.perDay.count(smsFailureRateKey(upn), now)) >= this.policy.smsWrongMaxPerDay;
  }
}
