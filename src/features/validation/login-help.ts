import type { Caller } from "../../ports/caller.js";
import type { Clock } from "../../ports/clock.js";
import type { Directory } from "../../ports/directory.js";
import type { AuditLog } from "../../ports/stores.js";
import { DirectoryUnavailableError } from "../shared/errors.js";
import { diagnoseLogin, type LoginDiagnosisDeps } from "./login-diagnosis.js";
import { loginDiagnosisText } from "./login-diagnosis-text.js";

/**
 * The caller's own "why can't I log in?" in plain words, for the top of the help answer.
 * Only the caller's own account (their UPN from Teams, their directory login name) is read.
 */
export class LoginHelp {
  constructor(
    private readonly deps: LoginDiagnosisDeps & {
      directory: Pick<Directory, "findByUpn">;
      clock: Clock;
      audit: Pick<AuditLog, "listForSubject" | "latestOf">;
    },
  ) {}

  /** Null when there is nothing to say: no directory account, or never a login with codes and no token (not enrolled yet). */
  async textFor(caller: Caller): Promise<string | null> {
    let user: Awaited<ReturnType<Directory["findByUpn"]>>;
    try {
      user = await this.deps.directory.findByUpn(caller.upn);
    } catch (error) {
      if (error instanceof DirectoryUnavailableError) return null;
      throw error;
    }
    if (!user) return null;
    const upn = caller.upn.toLowerCase();
    const diagnosis = await diagnoseLogin(this.deps, { upn, loginName: user.loginName.toLowerCase() }, this.deps.clock.now());
    // Someone still enrolling who asks about the app's code: the article, not "you have no token".
    if (diagnosis.kind === "noToken" && !(await this.deps.audit.latestOf(upn, "login.validate"))) return null;
    return loginDiagnosisText(caller.locale, diagnosis);
  }
}
