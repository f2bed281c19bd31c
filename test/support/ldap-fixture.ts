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
