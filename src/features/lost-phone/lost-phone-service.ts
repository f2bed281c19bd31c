import { randomUUID } from "node:crypto";
import type { Caller } from "../../ports/caller.js";
import type { Clock } from "../../ports/clock.js";
import type { Directory } from "../../ports/directory.js";
import type { EmployeeNoticeOutbox } from "../../ports/employee-notices.js";
import type { Notice } from "../../ports/notice.js";
import type { AuditLog, RateCounter, TokenStore } from "../../ports/stores.js";
import { localDateTime } from "../../i18n/local-time.js";
import { t } from "../../i18n/messages.js";
import type { EnrollmentPolicy } from "../enrollment/enrollment-policy.js";
import { checkIdentity } from "../enrollment/identity-check.js";
import { PasswordThrottle } from "../enrollment/password-throttle.js";
import type { HelpdeskService } from "../helpdesk/helpdesk-service.js";

export interface LostPhoneDeps {
  directory: Directory;
  tokens: Pick<TokenStore, "findActive" | "revoke">;
  rates: RateCounter;
  audit: Pick<AuditLog, "append">;
  clock: Clock;
  /** The enrollment's password-check throttle applies here too (same counter per UPN). */
  policy: Pick<EnrollmentPolicy, "passwordChecksMax" | "passwordChecksWindowMinutes">;
  /** Opens (or adds to) the employee's helpdesk ticket. */
  helpdesk: Pick<HelpdeskService, "escalate">;
  notices: Pick<EmployeeNoticeOutbox, "enqueue">;
}

export type LostPhoneResult = { blocked: true; device: string } | { blocked: false; notice: Notice };

/**
 * The employee's own "I lost my phone": proven by the AD password alone (the phone, and with
 * it the SMS, may be gone), through the same throttle and bind as the enrollment's identity
 * step. Then the active token is revoked at once, audited, the helpdesk gets a ticket
 * ("lost phone") and the employee a notice in Teams.
 */
export class LostPhoneService {
  private readonly throttle: PasswordThrottle;

  constructor(private readonly deps: LostPhoneDeps) {
    this.throttle = new PasswordThrottle(deps.rates, deps.policy);
  }

  async block(caller: Caller, password: unknown): Promise<LostPhoneResult> {
    const now = this.deps.clock.now();
    const audit = (outcome: "ok" | "refused", detail: Record<string, string | number | boolean>) =>
      this.deps.audit.append({
        at: now,
        subject: caller.upn.toLowerCase(),
        actor: caller.upn.toLowerCase(),
        action: "lostPhone.block",
        outcome,
        detail,
      });
    const gate = async () => {
      const verdict = await this.throttle.admit(caller.upn, now);
      return verdict.ok ? null : { minutes: verdict.minutes };
    };
    // The username is the caller's own UPN: only the password is asked.
    const identity = await checkIdentity(this.deps.directory, caller.upn, caller.upn, password, gate);
    if (!identity.ok) {
      if (identity.kind !== "badInput") await audit("refused", { reason: identity.reason });
      if (identity.kind === "throttled")
        return { blocked: false, notice: { key: identity.key, params: { minutes: identity.minutes }, kind: "refusal" } };
      // The enrollment's text counts attempts left in its own flow: here the plain refusal.
      return {
        blocked: false,
        notice: { key: identity.key === "error.wrongPassword" ? "lostPhone.wrongPassword" : identity.key, kind: "refusal" },
      };
    }
    const loginName = identity.user.loginName.toLowerCase();
    const active = await this.deps.tokens.findActive(loginName);
    if (!active || !(await this.deps.tokens.revoke(loginName, now))) {
      await audit("refused", { reason: "noActiveToken" });
      return { blocked: false, notice: { key: "lostPhone.noToken", kind: "info" } };
    }
    await audit("ok", { tokenId: active.id, deviceName: active.deviceName });
    await this.deps.notices.enqueue({
      id: randomUUID(),
      upn: caller.upn.toLowerCase(),
      key: "notice.tokenRevoked",
      params: { device: active.deviceName, time: localDateTime(now) },
      createdAt: now,
    });
    await this.deps.helpdesk.escalate(caller, t(caller.locale, "lostPhone.ticketReason"));
    return { blocked: true, device: active.deviceName };
  }
}
