import type { EnrollmentState } from "../../ports/enrollment-state.js";
import type { AuditNote } from "./flow-engine.js";
import type { StepView } from "./step-view.js";
import type { Notice } from "../../ports/notice.js";
import type { Caller } from "../../ports/caller.js";

/**
 * A stored flow belongs to the UPN that started it (`callerUpn`, from Teams member info).
 * The state key and the UPN are resolved together, so under a caller's key there should be
 * no other UPN's flow; if there is one anyway (a UPN renamed in Entra, a flow written before
 * the key and the UPN came from one answer), it is never shown, resumed or advanced, and its
 * sealed secret is never opened: the bot must not rely on two identity fields agreeing.
 */
export function ownedBy(caller: Caller, state: EnrollmentState): boolean {
  return state.callerUpn === caller.upn;
}

export const notYourEnrollment: Notice = { key: "error.notYourEnrollment", kind: "refusal" };

/** Who touched whose flow, for the audit trail (no secret, no flow id). */
export function foreignFlowAudit(state: EnrollmentState): AuditNote {
  return { action: "enroll.foreignFlow", outcome: "refused", detail: { atStep: state.step, flowOwner: state.callerUpn } };
}

/** What the caller sees instead of another UPN's flow: the welcome card with the reason, and no flow id. */
export function foreignFlowView(caller: Caller): StepView {
  return { step: "welcome", flowId: "", locale: caller.locale, notice: notYourEnrollment };
}
