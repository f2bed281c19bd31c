/**
 * A throwaway OpenLDAP for `npm run bench:turns`: the AD-lite schema and tree of the test
 * fixture (test/fixtures/ldap) plus `count` synthetic, eligible people (bench0 … benchN-1,
 * each with a mobile number of its own), so hundreds can enroll at once without tripping
 * the demo directory's per-user limits.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BASE, group, PASSWORD, SERVICE_DN, SERVICE_PASSWORD } from "../../test/support/ldap-fixture.js";
import { startSlapd, type Slapd } from "../../test/support/slapd.js";
import type { DemoPerson } from "../../test/support/teams-user.js";

export { PASSWORD as BENCH_PASSWORD } from "../../test/support/ldap-fixture.js";

export interface BenchPerson extends DemoPerson {
  /** The number the directory holds, as the SMS outbox writes it (E.164). */
  mobile: string;
}

export function benchPeople(count: number): BenchPerson[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `bench${i}`,
    upn: `bench${i}@region.se`,
    name: `Bench Person${i}`,
    aadObjectId: `20000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
    mobile: `+4670${String(1_000_000 + i)
      .slice(1)
      .padStart(7, "0")}`,
  }));
}

function entry(person: BenchPerson): string {
  return [
    `dn: cn=${person.name},ou=people,${BASE}`,
    "objectClass: user",
    `cn: ${person.name}`,
    `sn: Person${person.login.slice(5)}`,
    "givenName: Bench",
    `displayName: ${person.name}`,
    `sAMAccountName: ${person.login}`,
    `userPrincipalName: ${person.upn}`,
    `mail: ${person.upn}`,
    "department: Akutmottagningen",
    `mobile: ${person.mobile}`,
    "userAccountControl: 512",
    "pwdLastSet: 133900000000000000",
    "lockoutTime: 0",
    "accountExpires: 9223372036854775807",
    `memberOf: ${group("otp-eligible")}`,
    `userPassword: ${PASSWORD}`,
  ].join("\n");
}

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/ldap/${name}`, import.meta.url));

/** slapd with the fixture's tree and `people`; the bot's LDAP_* settings for it in `env`. */
export async function startBenchDirectory(slapdPath: string, people: BenchPerson[], scratch: string) {
  const ldif = join(scratch, "bench-people.ldif");
  writeFileSync(ldif, `${people.map(entry).join("\n\n")}\n`);
  const slapd: Slapd = await startSlapd({
    slapdPath,
    suffix: BASE,
    rootDn: `cn=admin,${BASE}`,
    rootPassword: "Admin-Secret",
    schemaFiles: [fixture("ad-lite.schema")],
    ldifFiles: [fixture("base.ldif"), ldif],
  });
  const env = {
    LDAP_URL: slapd.url,
    LDAP_START_TLS: "false",
    LDAP_ALLOW_PLAINTEXT: "true",
    LDAP_BIND_DN: SERVICE_DN,
    LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
    LDAP_BASE_DN: BASE,
    LDAP_ELIGIBLE_GROUP_DN: group("otp-eligible"),
  };
  return { slapd, env };
}
