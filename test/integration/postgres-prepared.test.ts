/**
 * The hot queries as named prepared statements on a real PostgreSQL (postgres-prepared.ts):
 * prepared once per connection, still right after a migration changes their table (a rolling
 * upgrade), and not prepared when DATABASE_PREPARED_STATEMENTS=false.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { SqlTokenStore } from "../../src/adapters/sql/token-store.js";
import { findPostgresBinDir, startPostgres, type ThrowawayPostgres } from "../support/postgres.js";

let postgres: ThrowawayPostgres | null = null;
const dir = mkdtempSync(join(tmpdir(), "pg-prepared-"));

beforeAll(async () => {
  postgres = await startPostgres("prepared");
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One connection, so the statements a store runs and the catalog query below share a session. */
async function openOne(name: string, preparedStatements?: boolean): Promise<Database> {
  const database = await openDatabase(await postgres!.createDatabase(name), dir, { poolSize: 1, preparedStatements });
  await migrateToLatest(database.db);
  await database.db
    .insertInto("tokens")
    .values({
      id: "t-1",
      login_name: "anna",
      upn: "anna@example.org",
      device_name: "Anna iPhone",
      secret_sealed: "sealed",
      status: "active",
      activated_at: new Date().toISOString(),
      ended_at: null,
      last_time_step: 10,
      last_used_at: null,
    })
    .execute();
  return database;
}

const preparedStatements = async (database: Database) =>
  (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(database.db)).rows;

describe.skipIf(findPostgresBinDir() === null)("prepared statements on PostgreSQL", () => {
  it("prepares a login's token queries once per connection, and they still answer after a migration adds a column", async () => {
    const database = await openOne("prepared_on");
    try {
      const tokens = new SqlTokenStore(database.db);
      const now = new Date();
      expect((await tokens.countTry("ANNA", now))?.failedTries).toBe(1);
      expect(await tokens.advanceTimeStep("t-1", 11, now)).toBe(true);
      const prepared = await preparedStatements(database);
      expect(prepared.length).toBeGreaterThanOrEqual(2);
      expect(prepared.every((p) => p.name.startsWith("reused_") && !/\*/.test(p.statement.replace(/count\(\*\)/g, "")))).toBe(true);

      // What the next release's migration might do while this instance keeps serving logins.
      await sql`alter table tokens add column note text`.execute(database.db);
      expect((await tokens.countTry("anna", now))?.failedTries).toBe(1);
      expect(await tokens.advanceTimeStep("t-1", 12, now)).toBe(true);
      expect((await tokens.findActive("anna"))?.lastTimeStep).toBe(12);
    } finally {
      await database.close();
    }
  });

  it("prepares nothing when DATABASE_PREPARED_STATEMENTS=false (PgBouncer before 1.21 in transaction mode)", async () => {
    const database = await openOne("prepared_off", false);
    try {
      const tokens = new SqlTokenStore(database.db);
      expect((await tokens.countTry("anna", new Date()))?.failedTries).toBe(1);
      expect(await preparedStatements(database)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
