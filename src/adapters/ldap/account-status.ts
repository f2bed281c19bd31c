/** Account state from AD attributes: userAccountControl, lockoutTime (FILETIME), pwdLastSet. */
import type { AccountProblem } from "../../ports/directory.js";

export const UAC_ACCOUNTDISABLE = 0x2;
export const UAC_PASSWORD_EXPIRED = 0x800000;
const ACCOUNT_NEVER_EXPIRES = "9223372036854775807";

/** Milliseconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000n;

/** Windows FILETIME (100 ns intervals since 1601) → Date; undefined for 0 / garbage. */
export function fileTimeToDate(value: string | undefined): Date | undefined {
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  const ticks = BigInt(value.trim());
  if (ticks <= 0n) return undefined;
  return new Date(Number(ticks / 10_000n - FILETIME_EPOCH_OFFSET_MS));
}

/** Date → Windows FILETIME string (for fixtures and tests). */
export function dateToFileTime(date: Date): string {
  return ((BigInt(date.getTime()) + FILETIME_EPOCH_OFFSET_MS) * 10_000n).toString();
}

function parseFlags(value: string | undefined): number {
  if (!value) return 0;
  const n = Number.parseInt(value.trim(), 10);
  return Number.isFinite(n) ? n : 0;
}

export interface AccountAttributes {
  userAccountControl?: string;
  /** FILETIME after which the account may not log on; 0 or 2^63-1 = never. */
  accountExpires?: string;
  lockoutTime?: string;
  pwdLastSet?: string;
}

/**
 * The first of disabled (incl. account expired), locked, passwordExpired that applies (eligibility is checked
 * separately, as it needs more searches).
 */
export function accountProblem(
  attributes: AccountAttributes,
  now: Date,
  lockoutDurationMinutes: number,
): Exclude<AccountProblem, "notEligible"> | undefined {
  const uac = parseFlags(attributes.userAccountControl);
  if (uac & UAC_ACCOUNTDISABLE) return "disabled";
  // An expired account is refused at bind like a disabled one (AD sub-code 701).
  const expires = attributes.accountExpires?.trim();
  if (expires && expires !== ACCOUNT_NEVER_EXPIRES) {
    const expiresAt = fileTimeToDate(expires);
    if (expiresAt && expiresAt.getTime() <= now.getTime()) return "disabled";
  }
  const lockedAt = fileTimeToDate(attributes.lockoutTime);
  // AD's lockout duration 0 means "until an administrator unlocks": any lockoutTime counts.
  if (lockedAt && (lockoutDurationMinutes <= 0 || now.getTime() - lockedAt.getTime() < lockoutDurationMinutes * 60_000)) {
    return "locked";
  }
  if (attributes.pwdLastSet?.trim() === "0" || uac & UAC_PASSWORD_EXPIRED) return "passwordExpired";
  return undefined;
}
