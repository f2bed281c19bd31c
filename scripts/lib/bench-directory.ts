/**
 * A throwaway OpenLDAP for `npm run bench:turns`: the AD-lite schema and tree of the test
 * fixture (test/fixtures/ldap) plus `count` synthetic, eligible people (bench0 … benchN-1,
 * each with a mobile number of its own), so hundreds can enroll at once without tripping
 * the demo directory's per-user limits.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BASE, eligibleEmployeeLdif, ldapEnv } from "../../test/support/ldap-fixture.js";
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

const entry = (person: BenchPerson): string =>
  eligibleEmployeeLdif({ cn: person.name, login: person.login, upn: person.upn, displayName: person.name, mobile: person.mobile });

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
  return { slapd, env: ldapEnv(slapd.url) };
}
