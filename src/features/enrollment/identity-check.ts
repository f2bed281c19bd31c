import type { AccountProblem, Directory, DirectoryUser } from "../../ports/directory.js";
import type { MessageKey } from "../../i18n/messages.js";

const MAX_USERNAME = 256;
const MAX_PASSWORD = 512;

export type IdentityResult =
  | { ok: true; user: DirectoryUser }
  /**
   * `badInput`: nothing usable was typed (changes nothing); `failure`: a guessed password or
   * another person's username (counts towards the block); `refused`: the account may not enroll.
   */
  | { ok: false; key: MessageKey; kind: "badInput" | "failure" | "refused"; reason: string }
  /** Too many password checks lately: refused before the bind, for `minutes`. */
  | { ok: false; key: "error.passwordBlocked"; kind: "throttled"; reason: "throttled"; minutes: number };

/** Asked right before every bind: null lets it through, else the minutes to wait. */
export type BindGate = () => Promise<{ minutes: number } | null>;

export const problemMessage: Record<AccountProblem, MessageKey> = {
  disabled: "error.accountDisabled",
  locked: "error.accountLocked",
  passwordExpired: "error.passwordExpired",
  notEligible: "error.notEligible",
};

/** "REGION\alexw", "alexw@region.se" and " AlexW " all name the login alexw. */
function sameAccount(typed: string, user: DirectoryUser): boolean {
  const normalised = typed.trim().normalize("NFC").toLowerCase();
  const withoutDomain = normalised.includes("\\") ? normalised.slice(normalised.lastIndexOf("\\") + 1) : normalised;
  return withoutDomain === user.loginName.toLowerCase() || normalised === user.upn.toLowerCase();
}

/**
 * The first proof: the caller's Teams account must be the directory account whose
 * password is typed. Nothing reaches the directory's bind unless the username is the
 * caller's own, the password is non-empty and `beforeBind` lets it through.
 */
export async function checkIdentity(
  directory: Directory,
  callerUpn: string,
  username: unknown,
  password: unknown,
  beforeBind: BindGate = async () => null,
): Promise<IdentityResult> {
  if (typeof username !== "string" || username.trim() === "") {
    return { ok: false, key: "error.usernameMissing", kind: "badInput", reason: "usernameMissing" };
  }
  if (typeof password !== "string" || password === "") {
    return { ok: false, key: "error.passwordMissing", kind: "badInput", reason: "passwordMissing" };
  }
  if (username.length > MAX_USERNAME || password.length > MAX_PASSWORD) {
    return { ok: false, key: "error.fieldTooLong", kind: "badInput", reason: "fieldTooLong" };
  }
  const user = await directory.findByUpn(callerUpn);
  if (!user) return { ok: false, key: "error.noDirectoryAccount", kind: "refused", reason: "noDirectoryAccount" };
  if (!sameAccount(username, user)) {
    return { ok: false, key: "error.notYourAccount", kind: "failure", reason: "notYourAccount" };
  }
  if (user.problem) return { ok: false, key: problemMessage[user.problem], kind: "refused", reason: user.problem };
  const throttled = await beforeBind();
  if (throttled) return { ok: false, key: "error.passwordBlocked", kind: "throttled", reason: "throttled", minutes: throttled.minutes };
  const check = await directory.verifyPassword(user, password);
  if (!check.ok) {
    if (check.reason === "invalidCredentials") {
      return { ok: false, key: "error.wrongPassword", kind: "failure", reason: "invalidCredentials" };
    }
    return { ok: false, key: problemMessage[check.reason], kind: "refused", reason: check.reason };
  }
  return { ok: true, user };
}
