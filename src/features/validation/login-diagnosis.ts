import type { ValidationReason } from "./validator.js";
import type { AuditLog, TokenStore } from "../../ports/stores.js";
import type { TemporaryAccessStore } from "../../ports/temporary-access.js";

/**
 * "Why can't I log in?": what the validation log says about the asking employee's own last
 * logins, the facts behind a plain-words answer. Never a code, never another person's data:
 * it reads only the caller's own audit rows, token and temporary access.
 */
export type LoginDiagnosis =
  | { kind: "locked"; until: Date }
  | { kind: "noToken" }
  | { kind: "noAttempt" }
  | { kind: "accepted"; at: Date }
  | {
      kind: "refused";
      reason: Exclude<ValidationReason, "ok">;
      at: Date /** Phone clock off by this many 30 s steps. */;
      driftSteps?: number;
    };

export interface LoginDiagnosisDeps {
  audit: Pick<AuditLog, "listForSubject">;
  tokens: Pick<TokenStore, "findActive">;
  temporaryAccess: Pick<TemporaryAccessStore, "latest">;
}

/** Logins older than this say nothing about today's problem. */
const RECENT_MS = 24 * 3_600_000;
const LOGIN_ACTIONS = new Set(["login.validate", "login.password"]);

export async function diagnoseLogin(deps: LoginDiagnosisDeps, who: { upn: string; loginName: string }, now: Date): Promise<LoginDiagnosis> {
  const token = await deps.tokens.findActive(who.loginName);
  if (token?.lockedUntil && token.lockedUntil > now) return { kind: "locked", until: token.lockedUntil };
  const last = (await deps.audit.listForSubject(who.upn.toLowerCase(), 50))
    .filter((event) => LOGIN_ACTIONS.has(event.action) && now.getTime() - event.at.getTime() <= RECENT_MS)
    .at(-1);
  if (!token) {
    const grant = await deps.temporaryAccess.latest(who.loginName);
    const grantOpen = grant && !grant.endedAt && grant.expiresAt > now;
    // No token and no temporary access: whatever the log says, enrolling is the answer.
    if (!grantOpen && last?.detail?.reason !== "temporaryAccessExpired") return { kind: "noToken" };
  }
  if (!last) return { kind: "noAttempt" };
  const reason = String(last.detail?.reason ?? "") as ValidationReason;
  if (last.outcome === "ok" && last.action === "login.validate") return { kind: "accepted", at: last.at };
  if (last.outcome === "ok") return { kind: "noAttempt" };
  const drift = Number(last.detail?.driftSteps);
  return {
    kind: "refused",
    reason: reason === "ok" || !reason ? "wrongCode" : reason,
    at: last.at,
    ...(Number.isFinite(drift) && drift !== 0 ? { driftSteps: drift } : {}),
  };
}
