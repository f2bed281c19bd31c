/**
 * Data-layer contract on SQLite and a throwaway PostgreSQL, the database itself: migrations
 * are idempotent and safe from two instances at once, driver failures become StorageError,
 * and data survives close and reopen.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import {
  buildMigrations,
  createSqlStores,
  type Database,
  migrateToLatest,
  openDatabase,
  type SqlStores,
} from "../../src/adapters/sql/index.js";
import { SqlBotStorage } from "../../src/bot/edge/sql-bot-storage.js";
import { ConcurrentUpdateError, StorageError } from "../../src/features/shared/errors.js";
import { at, dataLayerSuite, state, token } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory, type Location } from "../support/sql-engines.js";

function schemaContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(`data layer contract (migrations, failures, durability): ${factory.name}`, () => {
    const suite = dataLayerSuite(factory);
    const { open, openMigrated } = suite;
    let database: Database;
    let stores: SqlStores;
    let location: Location;

    // Every test gets its own empty database.
    async function fresh(): Promise<void> {
      ({ database, stores, location } = await suite.fresh());
    }

    it("migrations are idempotent and safe from two instances at once", async () => {
      await fresh();
      expect(await migrateToLatest(database.db)).toEqual([]);

      const loc = await factory.newLocation();
      const [a, b] = await Promise.all([openDatabase(loc.url, loc.dataDir), openDatabase(loc.url, loc.dataDir)]);
      open.push(a, b);
      const applied = await Promise.all([migrateToLatest(a.db), migrateToLatest(b.db)]);
      // Every migration applied exactly once, by one of the two.
      const all = Object.keys(buildMigrations(factory.engine));
      expect(applied.flat().sort()).toEqual(all);
      const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(a.db);
      expect(rows.rows.map((r) => r.name)).toEqual(all);
      // Both instances can use the schema.
      await createSqlStores(a).enrollments.save("x", state(), null);
      expect((await createSqlStores(b).enrollments.load("x"))?.version).toBe(1);
    });

    it("driver failures become StorageError with the cause kept", async () => {
      await fresh();
      if (database.engine === "sqlite") {
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
        expect(mode.rows[0]?.journal_mode).toBe("wal");
      }
      await sql`drop table rate_events`.execute(database.db);
      const failure = await stores.rateCounter.countSince("k", at(0)).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StorageError);
      expect((failure as StorageError).cause).toBeInstanceOf(Error);
      await stores.enrollments.save("u", state(), null);
      const conflict = await stores.enrollments.save("u", state(), null).catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(ConcurrentUpdateError);
      expect((conflict as ConcurrentUpdateError).cause).toBeDefined();
    });

    it("data survives close and reopen", async () => {
      await fresh();
      await stores.enrollments.save("u1", state({ step: "sms" }), null, token("t1"));
      await stores.audit.append({ at: at(1), subject: "alexw@example.com", actor: "system", action: "x", outcome: "ok" });
      await new SqlBotStorage(database.db).write({ k: { v: 1 } });
      await database.close();
      open.splice(open.indexOf(database), 1);

      const again = await openMigrated(location);
      const reopened = createSqlStores(again);
      expect((await reopened.enrollments.load("u1"))?.value.step).toBe("sms");
      expect((await reopened.tokens.findActive("alexw"))?.id).toBe("t1");
      expect(await reopened.audit.listForSubject("alexw@example.com")).toHaveLength(1);
      expect((await new SqlBotStorage(again.db).read(["k"]))["k"]).toMatchObject({ v: 1 });
    });
  });
}

schemaContract(sqliteEngine("contract"));
schemaContract(postgresEngine("contract"));
