/**
 * The employee directory (Active Directory in production, a demo list in local mode).
 * Adapters throw DirectoryUnavailableError (src/features/shared/errors.ts) when the directory
 * cannot be reached; every other outcome is a value.
 */

/** Why an otherwise existing account may not enroll. */
export type AccountProblem = "disabled" | "locked" | "passwordExpired" | "notEligible";

export interface DirectoryUser {
  /** Stable identifier inside the directory (the DN for LDAP). Never shown to users. */
  id: string;
  /** What the user types as username (sAMAccountName by default). */
  loginName: string;
  /** userPrincipalName: what Teams reports for the caller. */
  upn: string;
  displayName: string;
  givenName?: string;
  surname?: string;
  mail?: string;
  department?: string;
  /** E.164 (+46701234567), or undefined when the directory has no usable number. */
  mobile?: string;
  /** First problem that stops enrollment, if any (checked before any password bind). */
  problem?: AccountProblem;
}

export type PasswordCheck = { ok: true } | { ok: false; reason: "invalidCredentials" | AccountProblem };

export interface Directory {
  /** The account whose UPN (Teams identity) matches, case-insensitively; null if none. */
  findByUpn(upn: string): Promise<DirectoryUser | null>;
  /** The account with this login name, case-insensitively; null if none. */
  findByLoginName(loginName: string): Promise<DirectoryUser | null>;
  /**
   * Proves the password by binding as the user. Callers must refuse empty passwords
   * before calling (AD treats an empty-password bind as anonymous and accepts it).
   */
  verifyPassword(user: DirectoryUser, password: string): Promise<PasswordCheck>;
  /** True when the user is a (possibly nested) member of the group. */
  isMemberOf(user: DirectoryUser, groupId: string): Promise<boolean>;
  /**
   * Every user who is a (possibly nested) member of the group (a DN for LDAP), each once;
   * an empty list when the group does not exist. Used for reminder campaign audiences.
   */
  listGroupMembers(groupId: string): Promise<DirectoryUser[]>;
  /** Resolves when the directory answers; throws DirectoryUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
