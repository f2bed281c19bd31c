import type { AccountProblem, Directory, DirectoryUser } from "../ports/directory.js";
import type { MessageKey } from "../i18n/messages.js";

const MAX_USERNAME = 256;
const MAX_PASSWORD = 512;

export type IdentityResult =
  | { ok: true; user: DirectoryUser }
  /** `countsAsFailure`: a guessed password, or another person's username. */
  | { ok: false; key: MessageKey; countsAsFailure: boolean; reason: string };

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
 * caller's own and the password is non-empty.
 */
export async function checkIdentity(
  directory: Directory,
  callerUpn: string,
  username: unknown,
  password: unknown,
): Promise<IdentityResult> {
  if (typeof username !== "string" || username.trim() === "") {
    return { ok: false, key: "error.usernameMissing", countsAsFailure: false, reason: "usernameMissing" };
  }
  if (typeof password !== "string" || password === "") {
    return { ok: false, key: "error.passwordMissing", countsAsFailure: false, reason: "passwordMissing" };
  }
  if (username.length > MAX_USERNAME || password.length > MAX_PASSWORD) {
    return { ok: false, key: "error.fieldTooLong", countsAsFailure: false, reason: "fieldTooLong" };
  }
  const user = await directory.findByUpn(callerUpn);
  if (!user) return { ok: false, key: "error.noDirectoryAccount", countsAsFailure: false, reason: "noDirectoryAccount" };
  if (!sameAccount(username, user)) {
    return { ok: false, key: "error.notYourAccount", countsAsFailure: true, reason: "notYourAccount" };
  }
  if (user.problem) return { ok: false, key: problemMessage[user.problem], countsAsFailure: false, reason: user.problem };
  const check = await directory.verifyPassword(user, password);
  if (!check.ok) {
    if (check.reason === "invalidCredentials") {
      return { ok: false, key: "error.wrongPassword", countsAsFailure: true, reason: "invalidCredentials" };
    }
    return { ok: false, key: problemMessage[check.reason], countsAsFailure: false, reason: check.reason };
  }
  return { ok: true, user };
}
