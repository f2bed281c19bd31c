import type { EnrollmentStore, RateCounter } from "../../ports/stores.js";
import type { EnrollmentState } from "../../ports/enrollment-state.js";
import { ConcurrentUpdateError } from "../shared/errors.js";
import { confirmTryRateKey } from "../shared/rate-keys.js";

const CAS_ATTEMPTS = 5;

/**
 * Lifts the bot's own limits on a user (for the helpdesk): password-failure block, the
 * pending SMS code and its attempts (a new code must be requested), the resend cooldown and
 * first-code failures. False when the user has no enrollment state.
 */
export async function clearEnrollmentLimits(enrollments: EnrollmentStore, rates: RateCounter, userKey: string): Promise<boolean> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const record = await enrollments.load(userKey);
    if (!record) return false;
    const state = record.value;
    const next: EnrollmentState = {
      ...state,
      passwordFailures: 0,
      passwordBlockedUntil: undefined,
      sms: undefined,
      lastSmsSentAt: undefined,
      confirmFailures: 0,
    };
    try {
      await enrollments.save(userKey, next, record.version);
      await rates.clear(confirmTryRateKey(state.flowId));
      return true;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  throw new ConcurrentUpdateError(`enrollment of ${userKey} kept changing`);
}
