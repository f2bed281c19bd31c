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
import { DEVICE_NAME } from "./device-name.js";

/** Refusals after which a "new code" button would only be refused again: the card hides it (the text says what to do). */
const RESEND_BLOCKING: readonly Notice["key"][] = ["error.smsHourlyCap", "error.smsTooManyToday"];

/** The Teams platforms whose device has a name people use; any other (desktop, web) says nothing about the phone. */
const PHONE_NAMES: Record<string, string> = { ios: "iPhone", android: "Android" };

/**
 * "Alex iPhone" when the Teams client runs on the phone itself, else "Min mobil"/"My phone".
 * Falls back too when the name would not pass the device-name rule (the user can always edit it).
 */
export function suggestedDeviceName(caller: Pick<Caller, "locale" | "clientPlatform">, state: EnrollmentState): string {
  const phone = PHONE_NAMES[caller.clientPlatform?.toLowerCase() ?? ""];
  const firstName = (state.account?.givenName ?? state.account?.displayName.split(" ")[0] ?? "").trim();
  const name = `${firstName} ${phone}`;
  return phone && firstName && DEVICE_NAME.test(name) ? name : t(caller.locale, "device.suggestion");
}

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
    case "identity":
      view.username = state.loginHint;
      break;
    case "sms":
      if (state.account?.mobile) view.maskedMobile = maskPhone(state.account.mobile);
      if (state.sms && Date.parse(state.sms.expiresAt) > now.getTime()) view.smsSentAt = new Date(state.sms.sentAt);
      view.resendBlocked = notice !== undefined && RESEND_BLOCKING.includes(notice.key);
      break;
    case "device":
      view.deviceSuggestion = suggestedDeviceName(caller, state);
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
