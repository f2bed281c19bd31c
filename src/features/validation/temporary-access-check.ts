import { sameDigest } from "../shared/codes.js";
import type { ValidationReason } from "./validator.js";
import type { SecretBox } from "../../ports/secret-box.js";
import type { TemporaryAccessStore } from "../../ports/temporary-access.js";
import type { TemporaryAccessPolicy } from "./temporary-access-policy.js";
import { temporaryCodeHash } from "./temporary-access-code.js";

export interface TemporaryAccessVerdict {
  reason: Extract<ValidationReason, "ok" | "wrongCode" | "replay" | "locked" | "temporaryAccessExpired">;
  detail: Record<string, string | number | boolean>;
}

/**
 * A temporary access code at the login, after the user's request throttle and the account
 * checks (the same as for a TOTP code). Each try is counted on the open grant before it is
 * compared; `maxFailures` wrong tries end the grant. A single-use grant ends with its login,
 * in one conditional write, so two instances accept it once.
 */
export class TemporaryAccessCheck {
  constructor(
    private readonly grants: TemporaryAccessStore,
    private readonly secrets: SecretBox,
    private readonly policy: Pick<TemporaryAccessPolicy, "maxFailures">,
  ) {}

  async check(loginName: string, code: string, now: Date): Promise<TemporaryAccessVerdict> {
    const detail = { method: "temporaryAccess" };
    const hash = temporaryCodeHash(this.secrets, code);
    const grant = await this.grants.countTry(loginName, now);
    if (!grant) return { reason: await this.whyNotOpen(loginName, hash, now), detail };
    if (grant.failedTries > this.policy.maxFailures) {
      await this.grants.end(loginName, now);
      return { reason: "locked", detail };
    }
    if (!sameDigest(hash, grant.codeHash)) {
      if (grant.failedTries === this.policy.maxFailures) await this.grants.end(loginName, now);
      return { reason: "wrongCode", detail };
    }
    return (await this.grants.use(grant.id, now)) ? { reason: "ok", detail } : { reason: "replay", detail };
  }

  /**
   * No open grant: was this the code of the newest one, and what became of it? Compared
   * only to say why (an ended grant opens nothing), after the request throttle counted it.
   */
  private async whyNotOpen(loginName: string, hash: string, now: Date): Promise<TemporaryAccessVerdict["reason"]> {
    const latest = await this.grants.latest(loginName);
    if (!latest || !sameDigest(hash, latest.codeHash)) return "wrongCode";
    if (latest.usedAt && latest.endedAt && latest.usedAt.getTime() === latest.endedAt.getTime()) return "replay";
    return latest.expiresAt <= now ? "temporaryAccessExpired" : "wrongCode";
  }
}
