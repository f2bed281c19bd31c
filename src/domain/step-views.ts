import type { SecretBox } from "../ports/secret-box.js";
import type { Totp } from "../ports/totp.js";
import { t } from "../i18n/messages.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import type { EnrollmentState } from "./enrollment-state.js";
import { contextualHelp } from "./contextual-help.js";
import { maskPhone } from "./mask-phone.js";
import type { Caller, Notice, StepView } from "./step-view.js";

interface ViewDeps {
  secrets: SecretBox;
  totp: Totp;
  policy: EnrollmentPolicy;
}

/** What the card of the state's step shows. The QR step re-opens the sealed secret. */
export function buildStepView(deps: ViewDeps, caller: Caller, state: EnrollmentState | null, now: Date, notice?: Notice): StepView {
  if (!state) return { step: "welcome", flowId: "", locale: caller.locale, notice };
  const view: StepView = { step: state.step, flowId: state.flowId, locale: caller.locale, notice, helpArticleId: contextualHelp(state, notice, now) };
  switch (state.step) {
    case "sms":
      if (state.account?.mobile) view.maskedMobile = maskPhone(state.account.mobile);
      break;
    case "device":
      view.deviceSuggestion = t(caller.locale, "device.suggestion");
      break;
    case "qr":
      if (state.pendingSecret && state.account) {
        const secret = deps.secrets.open(state.pendingSecret);
        const label = state.account.loginName;
        const issuer = deps.policy.totpIssuer;
        view.qr = { uri: deps.totp.uri(secret, issuer, label), secret, issuer, label };
      }
      break;
    case "done":
      view.deviceName = state.deviceName;
      break;
  }
  return view;
}
