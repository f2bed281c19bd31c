/// <reference lib="es2024.string" />
import type { AccountProblem, Directory, DirectoryUser } from "../../ports/directory.js";
import type { ValidationReason } from "./validator.js";

/** A RADIUS User-Name is at most 253 bytes; REST callers get the same bound. */
const MAX_USER_NAME = 253;

/** How a user name was written: "alexw", "REGION\alexw" (any domain) or "alexw@region.se", any case. */
export type ParsedUserName = { kind: "upn" | "login"; value: string };

export function parseUserName(raw: unknown): ParsedUserName | null {
  if (typeof raw !== "string") return null;
  const name = raw.trim().normalize("NFC").toLowerCase();
  // Half a UTF-16 surrogate pair (JSON can carry one) is no name: it would be stored as U+FFFD,
  // and two different halves would become one name in the database but two in memory.
  if (name === "" || name.length > MAX_USER_NAME || /[\u0000-\u001f\u007f]/.test(name) || !name.isWellFormed()) return null;
  if (name.includes("\\")) {
    const login = name.slice(name.lastIndexOf("\\") + 1);
    return login === "" ? null : { kind: "login", value: login };
  }
  return name.includes("@") ? { kind: "upn", value: name } : { kind: "login", value: name };
}

export const problemReason: Record<AccountProblem, ValidationReason> = {
  disabled: "disabled",
  locked: "accountLocked",
  passwordExpired: "passwordExpired",
  notEligible: "notEligible",
};

/** The directory account the name denotes, resolved as at enrollment; null when there is none. */
export function findLoginUser(directory: Directory, parsed: ParsedUserName): Promise<DirectoryUser | null> {
  return parsed.kind === "upn" ? directory.findByUpn(parsed.value) : directory.findByLoginName(parsed.value);
}
