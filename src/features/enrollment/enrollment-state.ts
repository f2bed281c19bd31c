import type { EnrollmentStep } from "../../ports/enrollment-state.js";
import type { EnrollmentState } from "../../ports/enrollment-state.js";

/** The steps at which this flow may still send a code to the directory's number (a new code may be asked for). */
const STEPS_THAT_SEND_CODES: readonly EnrollmentStep[] = ["sms"];

/**
 * What is stored of a state: the full mobile number only at the SMS step. Past it nothing in
 * the flow needs it (the card showed it masked; the re-enrollment notice asks the directory
 * again), so the database does not keep phone numbers of everyone who ever enrolled.
 */
export function forStorage(state: EnrollmentState): EnrollmentState {
  if (state.account?.mobile === undefined || STEPS_THAT_SEND_CODES.includes(state.step)) return state;
  const { mobile: _notKept, ...account } = state.account;
  return { ...state, account };
}
