import type { SecretBox } from "../../ports/secret-box.js";
import type { Totp } from "../../ports/totp.js";
import { t } from "../../i18n/messages.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import type { EnrollmentState } from "../../ports/enrollment-state.js";
import { contextualHelp } from "./contextual-help.js";
import { inProgressSteps } from "./steps.js";
import { foreignFlowView, ownedBy } from "./flow-owner.js";
import { maskPhone } from "./mask-phone.js";
import type { StepView } from "./step-view.js";
import type { Notice } from "../../ports/notice.js";
import type { Caller } from "../../ports/caller.js";

interface ViewDeps {
  secrets: SecretBox;
  totp: Totp;
  policy: EnrollmentPolicy;
}

/** An unfinished enrollment left alone longer than the policy allows: it must start over. */
export function idleTooLong(policy: Pick<EnrollmentPolicy, "flowIdleMinutes">, state: EnrollmentState, now: Date): boolean {
  return inProgressSteps.includes(state.step) && Date.parse(state.updatedAt) + policy.flowIdleMinutes * 60_000 < now.getTime();
}

/**
 * What the card of the state's step shows. The QR step re-opens the sealed secret, except
 * for an idle flow: whoever renders a stored state (the current card for a bad input, a
 * stale card, the helpdesk button) gets the welcome card with "session expired" instead.
 * It keeps the stored flow id, so a cancel through it expires the flow properly (step()).
 * Another UPN's flow is never rendered, whatever path asks (flow-owner.ts).
 */
export function buildStepView(deps: ViewDeps, caller: Caller, state: EnrollmentState | null, now: Date, notice?: Notice): StepView {
  if (!state) return { step: "welcome", flowId: "", locale: caller.locale, notice };
  if (!ownedBy(caller, state)) return foreignFlowView(caller);
  if (idleTooLong(deps.policy, state, now)) {
    return { step: "welcome", flowId: state.flowId, locale: caller.locale, notice: { key: "error.sessionExpired", kind: "refusal" } };
  }
  const view: StepView = {
    step: state.step,
    flowId: state.flowId,
    locale: caller.locale,
    notice,
    helpArticleId: contextualHelp(state, notice, now),
  };
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
