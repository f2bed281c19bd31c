/**
 * The AD-like directory in test/fixtures/ldap: its names and passwords, the adapter
 * options that reach it, and a throwaway OpenLDAP loaded with it.
 */
import { fileURLToPath } from "node:url";
import type { LdapDirectoryOptions } from "../../src/adapters/ldap/ldap-directory.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import { startSlapd, type Slapd } from "./slapd.js";

export const BASE = "dc=region,dc=se";
/** The password of every person in users.ldif. */
export const PASSWORD = "Correct-Horse-1";
export const SERVICE_DN = `cn=svc-otp,ou=service,${BASE}`;
export const SERVICE_PASSWORD = "Svc-Secret-42";
/** The fixture's lockout and password times are relative to this moment. */
export const NOW = new Date("2025-06-02T08:00:00Z");

export const dn = (cn: string): string => `cn=${cn},ou=people,${BASE}`;
export const group = (cn: string): string => `cn=${cn},ou=groups,${BASE}`;

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/ldap/${name}`, import.meta.url));

/** Adapter options for the fixture on `url`: plain ldap:// allowed, eligibility through "otp-eligible". */
export function ldapOptions(url: string): LdapDirectoryOptions {
  return {
    url,
    startTls: false,
    allowPlaintext: true,
    bindDn: SERVICE_DN,
    bindPassword: SERVICE_PASSWORD,
    baseDn: BASE,
    eligibleGroupDn: group("otp-eligible"),
    loginAttribute: "sAMAccountName",
    upnAttribute: "userPrincipalName",
    mobileAttribute: "mobile",
    nestedGroups: "auto",
    lockoutDurationMinutes: 30,
    connectTimeoutMs: 2_000,
    operationTimeoutMs: 3_000,
    defaultCountry: "SE",
  };
}

/** An enabled employee in the eligible group with the fixture's password, as LDIF (for generated directories). */
export function eligibleEmployeeLdif(person: { cn: string; login: string; upn: string; displayName: string; mobile: string }): string {
  return [
    `dn: cn=${person.cn},ou=people,${BASE}`,
    "objectClass: user",
    `cn: ${person.cn}`,
    `sn: ${person.login}`,
    `displayName: ${person.displayName}`,
    `sAMAccountName: ${person.login}`,
    `userPrincipalName: ${person.upn}`,
    `mail: ${person.upn}`,
    `mobile: ${person.mobile}`,
    "userAccountControl: 512",
    "pwdLastSet: 133900000000000000",
    "lockoutTime: 0",
    "accountExpires: 9223372036854775807",
    `memberOf: ${group("otp-eligible")}`,
    `userPassword: ${PASSWORD}`,
  ].join("\n");
}

/** The product's LDAP_* settings for the fixture's tree on `url` (for a bot or validation process). */
export function ldapEnv(url: string): Record<string, string> {
  return {
    LDAP_URL: url,
    LDAP_START_TLS: "false",
    LDAP_ALLOW_PLAINTEXT: "true",
    LDAP_BIND_DN: SERVICE_DN,
    LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
    LDAP_BASE_DN: BASE,
    LDAP_ELIGIBLE_GROUP_DN: group("otp-eligible"),
  };
}

/** Anna Andersson as the adapter returns her (the fields a password check needs). */
export function anna(): DirectoryUser {
  return { id: dn("Anna Andersson"), loginName: "annaa", upn: "anna.andersson@region.se", displayName: "Anna Andersson" };
}

/**
 * A throwaway slapd with the AD-lite schema and the fixture's entries; `tls` adds ldaps:// and
 * StartTLS; `extraLdif` loads more entries after them (e.g. generated people).
 */
export function startFixtureSlapd(slapdPath: string, options: { tls?: boolean; extraLdif?: string[] } = {}): Promise<Slapd> {
  return startSlapd({
    slapdPath,
    suffix: BASE,
    rootDn: `cn=admin,${BASE}`,
    rootPassword: "Admin-Secret",
    schemaFiles: [fixture("ad-lite.schema")],
    ldifFiles: [fixture("base.ldif"), fixture("users.ldif"), ...(options.extraLdif ?? [])],
    ...(options.tls ? { tls: true } : {}),
  });
}
