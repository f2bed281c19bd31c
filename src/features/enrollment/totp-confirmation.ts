import { randomUUID } from "node:crypto";
import type { SecretBox } from "../../ports/secret-box.js";
import type { Totp } from "../../ports/totp.js";
import { sameDigest } from "../shared/codes.js";
import { smsCodeHash } from "./sms-challenges.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import type { AttemptVerdict } from "../shared/attempt-limit.js";
import type { EnrollmentState } from "../../ports/enrollment-state.js";
import type { AuditNote, Transition } from "./flow-engine.js";
import type { Notice } from "../../ports/notice.js";

/** Codes from the previous, current and next 30 s window are accepted (network and typing delay). */
const ACCEPTED_STEPS = 1;

interface ConfirmDeps {
  secrets: SecretBox;
  totp: Totp;
  policy: EnrollmentPolicy;
}

/**
 * The last step of the guide: only a valid first code from the app activates the token.
 * A code valid a few minutes away means the phone's clock is wrong: say so, since the
 * user cannot fix what they are not told. Too many failures send the user back to the
 * start (returned as step "identity"; the caller starts the new flow).
 *
 * `attempt` is this code's verdict from the flow's AttemptLimit, counted before the
 * comparison (so concurrent guesses cannot outrun the limit): a refused one is not compared.
 */
export function confirmFirstCode(deps: ConfirmDeps, state: EnrollmentState, code: string, now: Date, attempt: AttemptVerdict): Transition {
  if (!state.pendingSecret || !state.account || !state.deviceName) return { notice: { key: "error.staleCard", kind: "refusal" } };
  if (!attempt.admitted) {
    return {
      state: { ...state, step: "identity" },
      notice: { key: "error.totpTooMany", kind: "refusal" },
      audit: [{ action: "enroll.confirm", outcome: "refused", detail: { reason: "tooMany" } }],
    };
  }
  const usedSms = state.verifiedSmsCodeHash && sameDigest(smsCodeHash(deps.secrets, state.flowId, code), state.verifiedSmsCodeHash);
  const match = usedSms ? null : deps.totp.match(deps.secrets.open(state.pendingSecret), code, now, deps.policy.clockDriftMaxSteps);

  if (match && Math.abs(match.delta) <= ACCEPTED_STEPS) {
    return {
      state: {
        ...state,
        step: "done",
        pendingSecret: undefined,
        verifiedSmsCodeHash: undefined,
        sms: undefined,
        confirmFailures: 0,
        lastError: undefined,
      },
      activate: {
        id: randomUUID(),
        loginName: state.account.loginName.toLowerCase(),
        upn: state.callerUpn,
        deviceName: state.deviceName,
        secretSealed: state.pendingSecret,
        activatedAt: now,
        lastTimeStep: match.timeStep,
      },
      audit: [
        {
          action: "enroll.token.activated",
          outcome: "ok",
          detail: { deviceName: state.deviceName, replacedOld: state.reEnrollment === true },
        },
      ],
    };
  }

  const failures = attempt.count;
  const reason = usedSms ? "smsCode" : match ? "clockDrift" : "wrongCode";
  const detail: Record<string, string | number> = match ? { reason, steps: match.delta } : { reason };
  const audit: AuditNote[] = [{ action: "enroll.confirm", outcome: "refused", detail }];
  if (attempt.remaining === 0) {
    return { state: { ...state, step: "identity" }, notice: { key: "error.totpTooMany", kind: "refusal" }, audit };
  }
  let notice: Notice;
  if (usedSms) notice = { key: "error.smsCodeAsTotp", kind: "refusal" };
  else if (match) {
    const minutes = Math.max(1, Math.round((Math.abs(match.delta) * 30) / 60));
    notice = { key: match.delta > 0 ? "error.clockAhead" : "error.clockBehind", params: { minutes }, kind: "refusal" };
  } else notice = { key: "error.totpWrong", params: { remaining: attempt.remaining }, kind: "refusal" };
  return { state: { ...state, confirmFailures: failures, lastError: notice.key }, notice, audit };
}
