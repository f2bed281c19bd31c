import type { EnrollmentState } from "../../ports/enrollment-state.js";
import type { Notice } from "../../ports/notice.js";
import { stepEntry } from "./steps.js";

/**
 * Which knowledge-base article (knowledge/<lang>/<id>.md) the step's card offers, next to
 * "contact the helpdesk", when the user is stuck. Undefined: the step went fine.
 */
export function contextualHelp(state: EnrollmentState | null, notice: Notice | undefined, now: Date): string | undefined {
  switch (notice?.key) {
    case "error.wrongPassword":
      return (state?.passwordFailures ?? 0) >= 2 ? "wrong-password" : undefined;
    case "error.passwordBlocked":
    case "error.accountLocked":
      return "account-locked";
    case "error.noMobile":
      return "wrong-mobile";
    case "error.smsExpired":
    case "error.smsTooManyAttempts":
    case "error.smsTooManyToday": // no article of its own: this one carries the helpdesk button
      return "sms-expired";
    case "info.smsResent":
    case "error.smsHourlyCap":
    case "error.smsSendFailed":
      return "no-sms";
    case "error.totpWrong":
      return (state?.confirmFailures ?? 0) >= 2 ? "code-rejected" : undefined;
    case "error.clockAhead":
    case "error.clockBehind":
      return "code-rejected";
    case "error.smsCodeAsTotp":
      return "no-code-shown";
  }
  return state ? stepEntry(state.step)?.stuckHelp?.(state, now) : undefined;
}
