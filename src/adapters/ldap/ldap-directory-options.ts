/** Settings of the LDAP directory adapter (the config module maps LDAP_* env vars onto it). */
import type { Clock } from "../../ports/clock.js";

export type NestedGroupMode = "auto" | "in-chain" | "memberOf";

export interface LdapDirectoryOptions {
  /** ldaps://host:636 or ldap://host:389 */
  url: string;
  /** Upgrade ldap:// with StartTLS (LDAP_START_TLS). */
  startTls: boolean;
  /** Allow plain ldap:// without StartTLS (LDAP_ALLOW_PLAINTEXT); logs a warning. */
  allowPlaintext: boolean;
  /** PEM CA bundle (contents of LDAP_CA_FILE); trusted instead of Node's default roots. Verification stays on. */
  caPem?: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  /** LDAP_ELIGIBLE_GROUP_DN; unset = everybody is eligible. */
  eligibleGroupDn?: string;
  /** Default sAMAccountName. */
  loginAttribute: string;
  /** Default userPrincipalName. */
  upnAttribute: string;
  /** Default mobile (or telephoneNumber). */
  mobileAttribute: string;
  /** Default department: the coverage report's breakdown. */
  departmentAttribute?: string;
  /**
   * auto: LDAP_MATCHING_RULE_IN_CHAIN when the server is Active Directory (rootDSE
   * capability), else memberOf walked upwards; in-chain / memberOf force one of them.
   */
  nestedGroups: NestedGroupMode;
  /** lockoutTime > 0 within this window = locked; 0 = locked until unlocked (AD's meaning of 0). */
  lockoutDurationMinutes: number;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  /** Country for national mobile numbers. */
  defaultCountry: "SE";
  /** objectClass of user entries (default "user"; computers are excluded). */
  userObjectClass?: string;
  /** How far memberOf mode walks up nested groups (default 5). */
  maxNestingDepth?: number;
}

/** The subset of a pino logger the adapter uses (a pino Logger fits). */
export interface LdapLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LdapDirectoryDeps {
  logger: LdapLogger;
  /** For lockout windows; defaults to the system clock. */
  clock?: Clock;
}

export interface TransportPlan {
  secure: "ldaps" | "startTls" | "plaintext";
  host: string;
}

/**
 * Decides how the connection is protected, refusing plain ldap:// unless explicitly allowed.
 * Throws a configuration Error (not a domain error): this is a start-up failure.
 */
export function planTransport(options: Pick<LdapDirectoryOptions, "url" | "startTls" | "allowPlaintext">): TransportPlan {
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch {
    throw new Error(`LDAP URL is not a valid URL: ${options.url}`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (parsed.protocol === "ldaps:") {
    if (options.startTls) throw new Error("LDAP_START_TLS applies to ldap:// URLs only; the URL is already ldaps://");
    return { secure: "ldaps", host };
  }
  if (parsed.protocol !== "ldap:") throw new Error(`LDAP URL must start with ldaps:// or ldap:// (got ${parsed.protocol}//)`);
  if (options.startTls) return { secure: "startTls", host };
  if (options.allowPlaintext) return { secure: "plaintext", host };
  throw new Error(
    "Refusing plain ldap:// without encryption: passwords would cross the network in clear text. " +
      "Use ldaps://, or set LDAP_START_TLS=true, or (for a lab only) LDAP_ALLOW_PLAINTEXT=true.",
  );
}
