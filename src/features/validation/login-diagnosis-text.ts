import { t, type Locale, type MessageKey } from "../../i18n/messages.js";
import { localTime } from "../../i18n/local-time.js";
import { countOf } from "../../i18n/plural.js";
import type { LoginDiagnosis } from "./login-diagnosis.js";

const STEP_SECONDS = 30;

/** The diagnosis in plain words, in the employee's language, times in Swedish local time. */
export function loginDiagnosisText(locale: Locale, diagnosis: LoginDiagnosis): string {
  switch (diagnosis.kind) {
    case "locked":
      return t(locale, "loginHelp.locked", { time: localTime(diagnosis.until) });
    case "noToken":
      return t(locale, "loginHelp.noToken");
    case "noAttempt":
      return t(locale, "loginHelp.noAttempt");
    case "accepted":
      return t(locale, "loginHelp.accepted", { time: localTime(diagnosis.at) });
    case "refused": {
      const time = localTime(diagnosis.at);
      if (diagnosis.reason === "wrongCode" && diagnosis.driftSteps) {
        const minutes = countOf(locale, "unit.minute", Math.max(1, Math.round((Math.abs(diagnosis.driftSteps) * STEP_SECONDS) / 60)));
        return t(locale, diagnosis.driftSteps > 0 ? "loginHelp.clockAhead" : "loginHelp.clockBehind", { time, minutes });
      }
      switch (diagnosis.reason) {
        case "replay":
        case "wrongCode":
          return t(locale, `loginHelp.${diagnosis.reason}`, { time });
        case "disabled":
        case "temporaryAccessExpired":
          return t(locale, `loginHelp.${diagnosis.reason}`);
        default:
          return t(locale, "loginHelp.other", { time, reason: t(locale, `helpdesk.login.${diagnosis.reason}` as MessageKey) });
      }
    }
  }
}
