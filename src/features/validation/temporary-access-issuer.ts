import { randomUUID } from "node:crypto";
import type { SecretBox } from "../../ports/secret-box.js";
import type { TemporaryAccessStore } from "../../ports/temporary-access.js";
import { generateTemporaryCode, temporaryCodeHash } from "./temporary-access-code.js";
import type { TemporaryAccessPolicy } from "./temporary-access-policy.js";

export interface IssuedTemporaryAccess {
  /** Shown once, to the helpdesk member who issued it; never stored, logged or posted. */
  code: string;
  expiresAt: Date;
  reusable: boolean;
}

/** Issues a helpdesk temporary access code for an employee; a new one replaces the old. */
export class TemporaryAccessIssuer {
  constructor(
    private readonly grants: TemporaryAccessStore,
    private readonly secrets: SecretBox,
    private readonly policy: Pick<TemporaryAccessPolicy, "hours" | "reusable">,
  ) {}

  async issue(employee: { loginName: string; upn: string }, issuedBy: string, now: Date): Promise<IssuedTemporaryAccess> {
    const code = generateTemporaryCode();
    const expiresAt = new Date(now.getTime() + this.policy.hours * 3_600_000);
    await this.grants.issue({
      id: randomUUID(),
      loginName: employee.loginName.toLowerCase(),
      upn: employee.upn.toLowerCase(),
      codeHash: temporaryCodeHash(this.secrets, code),
      issuedBy,
      issuedAt: now,
      expiresAt,
      reusable: this.policy.reusable,
    });
    return { code, expiresAt, reusable: this.policy.reusable };
  }
}
