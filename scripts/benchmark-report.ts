/**
 * npm run bench:report [-- --people 20000]
 *
 * Times the coverage report over a region's worth of stored state (scripts/lib/coverage-seed.ts:
 * 20,000 eligible people, ~ 300,000 audit events) on SQLite and on a throwaway PostgreSQL
 * (test/support/postgres.ts). The directory is an in-memory list (its group listing is AD's
 * time, not ours). Prints one line per engine: the SQL reads, and the whole report.
 * Target: under 2 s on PostgreSQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateToLatest, openDatabase, type Database } from "../src/adapters/sql/index.js";
import { SqlCoverageSource } from "../src/adapters/sql/report-queries.js";
import type { CoveragePerson } from "../src/features/report/coverage.js";
import { CoverageReports } from "../src/features/report/coverage-reports.js";
import type { DirectoryUser } from "../src/ports/directory.js";
import { startPostgres } from "../test/support/postgres.js";
import { seedRegion } from "./lib/coverage-seed.js";

const peopleArg = process.argv.indexOf("--people");
const PEOPLE = peopleArg > 0 ? Number(process.argv[peopleArg + 1]) : 20_000;
const RUNS = 3;

function directoryOf(members: CoveragePerson[]) {
  const users: DirectoryUser[] = members.map((m) => ({
    id: m.upn,
    upn: m.upn,
    loginName: m.loginName,
    displayName: m.upn,
    department: m.department,
  }));
  return {
    listGroupMembers: async () => users,
    findByUpn: async () => null,
    isMemberOf: async () => false,
  };
}

async function bench(name: string, database: Database): Promise<void> {
  await migrateToLatest(database.db);
  const now = new Date();
  const seeded = Date.now();
  const { members, auditRows } = await seedRegion(database.db, PEOPLE, now);
  const seedMs = Date.now() - seeded;
  const source = new SqlCoverageSource(database.db);
  const reports = new CoverageReports({
    source,
    directory: directoryOf(members),
    eligibleGroupId: "eligible",
    helpdeskGroupId: "helpdesk",
    clock: { now: () => now },
  });
  const sqlTimes: number[] = [];
  const totalTimes: number[] = [];
  let totals = "";
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await Promise.all([source.progress(), source.tokenHolders()]);
    sqlTimes.push(performance.now() - t);
    t = performance.now();
    const report = await reports.report();
    totalTimes.push(performance.now() - t);
    totals = JSON.stringify(report.totals);
  }
  const best = (xs: number[]) => Math.round(Math.min(...xs));
  console.log(
    `[bench:report] ${name}: ${PEOPLE} people, ${auditRows} audit events (seeded in ${(seedMs / 1000).toFixed(1)} s); ` +
      `SQL reads best ${best(sqlTimes)} ms, whole report best ${best(totalTimes)} ms (runs: ${totalTimes.map(Math.round).join(", ")} ms); ${totals}`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
  try {
    const sqlite = await openDatabase(undefined, dir);
    await bench("SQLite", sqlite).finally(() => sqlite.close());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const server = await startPostgres("bench_report");
  if (!server) {
    console.log("[bench:report] PostgreSQL: not installed, skipped");
    return;
  }
  try {
    const postgres = await openDatabase(server.url, dir);
    await bench("PostgreSQL", postgres).finally(() => postgres.close());
  } finally {
    await server.stop();
  }
}

await main();
