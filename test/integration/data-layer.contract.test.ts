import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  buildMigrations,
  createSqlStores,
  type Database,
  migrateToLatest,
  openDatabase,
  SqlAuditLog,
  type SqlStores,
} from "../../src/adapters/sql/index.js";
import { SqlBotStorage } from "../../src/bot/sql-bot-storage.js";
import type { EnrollmentState } from "../../src/domain/enrollment-state.js";
import { ConcurrentUpdateError, StorageError } from "../../src/domain/errors.js";
import type { NewToken } from "../../src/ports/stores.js";
import { findPostgresBinDir, startPostgres, type ThrowawayPostgres } from "../support/postgres.js";

/** Where a fresh, empty database lives: what openDatabase takes. */
interface Location {
  url: string | undefined;
  dataDir: string;
}

interface EngineFactory {
  engine: "sqlite" | "postgres";
  setup(): Promise<void>;
  teardown(): Promise<void>;
  newLocation(): Promise<Location>;
}

const T0 = new Date("2025-03-01T08:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function state(overrides: Partial<EnrollmentState> = {}): EnrollmentState {
  return {
    flowId: "flow-1",
    step: "welcome",
    locale: "sv",
    startedAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    callerUpn: "alexw@example.com",
    passwordFailures: 0,
    confirmFailures: 0,
    ...overrides,
  };
}

function token(id: string, loginName = "alexw", lastTimeStep = 1000): NewToken {
  return {
    id,
    loginName,
    upn: `${loginName}@example.com`,
    deviceName: `Phone ${id}`,
    secretSealed: `sealed-${id}`,
    activatedAt: at(60),
    lastTimeStep,
  };
}

function dataLayerContract(name: string, factory: EngineFactory, enabled: boolean): void {
  describe.skipIf(!enabled)(`data layer contract: ${name}`, () => {
    const open: Database[] = [];
    let database: Database;
    let stores: SqlStores;
    let location: Location;

    async function openMigrated(loc: Location): Promise<Database> {
      const d = await openDatabase(loc.url, loc.dataDir);
      open.push(d);
      await migrateToLatest(d.db);
      return d;
    }

    async function tokenRows(loginName: string) {
      return database.db.selectFrom("tokens").selectAll().where("login_name", "=", loginName).orderBy("id").execute();
    }

    beforeAll(() => factory.setup());
    afterAll(() => factory.teardown());

    // Every test gets its own empty database.
    async function fresh(): Promise<void> {
      location = await factory.newLocation();
      database = await openMigrated(location);
      expect(database.engine).toBe(factory.engine);
      stores = createSqlStores(database);
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map((d) => d.close()));
    });

    it("enrollment save is a compare-and-set on version", async () => {
      await fresh();
      const { enrollments } = stores;
      expect(await enrollments.load("u1")).toBeNull();
      expect(await enrollments.save("u1", state(), null)).toBe(1);
      expect(await enrollments.load("u1")).toEqual({ value: state(), version: 1 });
      expect(await enrollments.save("u1", state({ step: "identity" }), 1)).toBe(2);
      await expect(enrollments.save("u1", state({ step: "sms" }), 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await expect(enrollments.save("u1", state({ step: "sms" }), null)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await expect(enrollments.save("nobody", state(), 3)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      const loaded = await enrollments.load("u1");
      expect(loaded?.version).toBe(2);
      expect(loaded?.value.step).toBe("identity");
    });

    it("concurrent saves of the same version: exactly one wins", async () => {
      await fresh();
      const { enrollments } = stores;
      const inserts = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((i) => enrollments.save("u1", state({ flowId: `f${i}` }), null)),
      );
      expect(inserts.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of inserts) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConcurrentUpdateError);

      const updates = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((i) => enrollments.save("u1", state({ flowId: `g${i}` }), 1)),
      );
      const won = updates.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, version: r.value }] : []));
      expect(won).toHaveLength(1);
      expect(won[0]?.version).toBe(2);
      for (const r of updates) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConcurrentUpdateError);
      expect((await enrollments.load("u1"))?.value.flowId).toBe(`g${(won[0]?.i ?? 0) + 1}`);
    });

    it("activating a token replaces the login's active token in the same transaction", async () => {
      await fresh();
      const { enrollments, tokens } = stores;
      await enrollments.save("u1", state({ step: "done" }), null, token("t1", "alexw", 100));
      const first = await tokens.findActive("ALEXW");
      expect(first).toMatchObject({ id: "t1", loginName: "alexw", status: "active", lastTimeStep: 100 });
      expect(first?.activatedAt).toEqual(at(60));
      expect(first?.endedAt).toBeUndefined();

      const t2 = { ...token("t2", "alexw", 200), activatedAt: at(600) };
      expect(await enrollments.save("u1", state({ step: "done", reEnrollment: true }), 1, t2)).toBe(2);
      expect((await tokens.findActive("alexw"))?.id).toBe("t2");
      const rows = await tokenRows("alexw");
      expect(rows.map((r) => [r.id, r.status])).toEqual([["t1", "replaced"], ["t2", "active"]]);
      expect(new Date(rows[0]?.ended_at ?? "")).toEqual(at(600));

      // Stale version: nothing changes, not even the tokens.
      await expect(enrollments.save("u1", state(), 1, token("t3"))).rejects.toBeInstanceOf(ConcurrentUpdateError);
      // The CAS passes but the token insert fails (id taken): the CAS and the replace roll back.
      await expect(enrollments.save("u1", state({ step: "cancelled" }), 2, token("t1"))).rejects.toThrow();
      expect((await enrollments.load("u1"))?.version).toBe(2);
      expect((await enrollments.load("u1"))?.value.step).toBe("done");
      expect((await tokenRows("alexw")).map((r) => [r.id, r.status])).toEqual([["t1", "replaced"], ["t2", "active"]]);
    });

    it("concurrent activations for one login leave exactly one active token", async () => {
      await fresh();
      const { enrollments, tokens } = stores;
      await enrollments.save("seed", state(), null, token("t0", "megan"));
      const results = await Promise.allSettled(
        [1, 2, 3, 4, 5, 6].map((i) => enrollments.save(`u${i}`, state(), null, token(`t${i}`, "megan"))),
      );
      const rows = await tokenRows("megan");
      const active = rows.filter((r) => r.status === "active");
      expect(active).toHaveLength(1);
      const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [`t${i + 1}`] : []));
      expect(winners.length).toBeGreaterThanOrEqual(1);
      expect(winners).toContain(active[0]?.id);
      expect((await tokens.findActive("megan"))?.id).toBe(active[0]?.id);
      // Losers changed nothing: neither their enrollment row nor a token.
      for (const [i, r] of results.entries()) {
        if (r.status === "fulfilled") continue;
        expect(r.reason).toBeInstanceOf(ConcurrentUpdateError);
        expect(await enrollments.load(`u${i + 1}`)).toBeNull();
        expect(rows.find((row) => row.id === `t${i + 1}`)).toBeUndefined();
      }
      expect(rows.filter((r) => r.status === "replaced").map((r) => r.id)).toContain("t0");
    });

    it("advanceTimeStep only moves forward, once, and only for an active token", async () => {
      await fresh();
      const { enrollments, tokens } = stores;
      await enrollments.save("u1", state(), null, token("t1", "alexw", 100));
      expect(await tokens.advanceTimeStep("t1", 100)).toBe(false);
      expect(await tokens.advanceTimeStep("t1", 99)).toBe(false);
      expect(await tokens.advanceTimeStep("t1", 101)).toBe(true);
      expect((await tokens.findActive("alexw"))?.lastTimeStep).toBe(101);
      const race = await Promise.all([1, 2, 3, 4, 5].map(() => tokens.advanceTimeStep("t1", 105)));
      expect(race.filter(Boolean)).toHaveLength(1);
      expect(await tokens.advanceTimeStep("missing", 1_000_000)).toBe(false);

      expect(await tokens.revoke("ALEXW", at(900))).toBe(true);
      expect(await tokens.revoke("alexw", at(901))).toBe(false);
      expect(await tokens.findActive("alexw")).toBeNull();
      expect(await tokens.advanceTimeStep("t1", 200)).toBe(false);
      const [row] = await tokenRows("alexw");
      expect(row?.status).toBe("revoked");
      expect(new Date(row?.ended_at ?? "")).toEqual(at(900));
    });

    it("rate counter counts events in a window, per key", async () => {
      await fresh();
      const { rateCounter } = stores;
      for (const s of [0, 10, 70]) await rateCounter.record("sms:alexw", at(s));
      await rateCounter.record("sms:global", at(5));
      expect(await rateCounter.countSince("sms:alexw", at(0))).toBe(3);
      expect(await rateCounter.countSince("sms:alexw", at(1))).toBe(2);
      expect(await rateCounter.countSince("sms:alexw", at(70))).toBe(1);
      expect(await rateCounter.countSince("sms:alexw", at(71))).toBe(0);
      expect(await rateCounter.countSince("sms:global", at(-3600))).toBe(1);
      expect(await rateCounter.countSince("nobody", at(-3600))).toBe(0);
      await Promise.all([1, 2, 3, 4].map(() => rateCounter.record("burst", at(100))));
      expect(await rateCounter.countSince("burst", at(100))).toBe(4);
    });

    it("audit log appends and lists oldest first; it has no update or delete", async () => {
      await fresh();
      const { audit } = stores;
      await audit.append({ at: at(20), subject: "alexw@example.com", actor: "system", action: "enroll.b", outcome: "ok" });
      await audit.append({
        at: at(10), subject: "alexw@example.com", actor: "alexw@example.com", action: "enroll.a", outcome: "refused",
        detail: { reason: "wrong-password", attempts: 2, locked: false },
      });
      await audit.append({ at: at(20), subject: "alexw@example.com", actor: "system", action: "enroll.c", outcome: "error" });
      await audit.append({ at: at(15), subject: "megan@example.com", actor: "system", action: "other", outcome: "ok" });

      const all = await audit.listForSubject("alexw@example.com");
      expect(all.map((e) => e.action)).toEqual(["enroll.a", "enroll.b", "enroll.c"]);
      expect(all[0]).toEqual({
        at: at(10), subject: "alexw@example.com", actor: "alexw@example.com", action: "enroll.a", outcome: "refused",
        detail: { reason: "wrong-password", attempts: 2, locked: false },
      });
      expect(all[1]).not.toHaveProperty("detail");
      expect((await audit.listForSubject("alexw@example.com", 2)).map((e) => e.action)).toEqual(["enroll.b", "enroll.c"]);
      expect(await audit.listForSubject("nobody@example.com")).toEqual([]);

      const methods = Object.getOwnPropertyNames(SqlAuditLog.prototype).filter((m) => m !== "constructor").sort();
      expect(methods).toEqual(["append", "listForSubject"]);
    });

    it("conversation refs upsert, get and find by UPN case-insensitively", async () => {
      await fresh();
      const { conversationRefs } = stores;
      const reference = { conversation: { id: "a:1" }, serviceUrl: "https://smba.example/", user: { id: "29:1" } };
      await conversationRefs.upsert({ userKey: "u1", upn: "Alex.Wilber@Example.com", locale: "sv", reference, updatedAt: at(0) });
      expect(await conversationRefs.get("u1")).toEqual({
        userKey: "u1", upn: "alex.wilber@example.com", locale: "sv", reference, updatedAt: at(0),
      });
      expect((await conversationRefs.findByUpn("ALEX.WILBER@example.COM"))?.userKey).toBe("u1");
      await conversationRefs.upsert({ userKey: "u1", upn: "alex.wilber@example.com", locale: "en", reference: { x: 1 }, updatedAt: at(5) });
      expect(await conversationRefs.get("u1")).toMatchObject({ locale: "en", reference: { x: 1 }, updatedAt: at(5) });
      await conversationRefs.upsert({ userKey: "u2", locale: "sv", reference: {}, updatedAt: at(6) });
      expect(await conversationRefs.get("u2")).not.toHaveProperty("upn");
      expect(await conversationRefs.get("nobody")).toBeNull();
      expect(await conversationRefs.findByUpn("nobody@example.com")).toBeNull();
    });

    it("bot storage: read/write/delete with eTag optimistic concurrency", async () => {
      await fresh();
      const storage = new SqlBotStorage(database.db);
      expect(await storage.read(["conv/1"])).toEqual({});
      await storage.write({ "conv/1": { dialog: { step: 1 } } });
      const first = (await storage.read(["conv/1", "missing"]))["conv/1"];
      expect(first).toMatchObject({ dialog: { step: 1 } });
      expect(typeof first?.eTag).toBe("string");

      await storage.write({ "conv/1": { ...first, dialog: { step: 2 } } });
      const second = (await storage.read(["conv/1"]))["conv/1"];
      expect(second?.dialog).toEqual({ step: 2 });
      expect(second?.eTag).not.toBe(first?.eTag);

      await expect(storage.write({ "conv/1": { ...first, dialog: { step: 99 } } })).rejects.toThrow(/eTag conflict/);
      expect((await storage.read(["conv/1"]))["conv/1"]?.dialog).toEqual({ step: 2 });

      // Two instances holding the same eTag: exactly one write wins.
      const race = await Promise.allSettled(
        [1, 2, 3, 4].map((i) => storage.write({ "conv/1": { ...second, dialog: { step: 10 + i } } })),
      );
      expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);

      await storage.write({ "conv/1": { eTag: "*", dialog: { step: 3 } } });
      expect((await storage.read(["conv/1"]))["conv/1"]?.dialog).toEqual({ step: 3 });
      await storage.write({ "conv/1": { dialog: { step: 4 } } });
      expect((await storage.read(["conv/1"]))["conv/1"]?.dialog).toEqual({ step: 4 });

      // A multi-item write is all or nothing.
      await expect(
        storage.write({ "conv/2": { a: 1 }, "conv/1": { eTag: "stale", dialog: {} } }),
      ).rejects.toThrow(/eTag conflict/);
      expect(await storage.read(["conv/2"])).toEqual({});

      await storage.delete(["conv/1", "never-there"]);
      expect(await storage.read(["conv/1"])).toEqual({});
      // A specific eTag for an item deleted meanwhile is a conflict too.
      await expect(storage.write({ "conv/1": { ...second } })).rejects.toThrow(/eTag conflict/);
    });

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

// --- SQLite: a temp folder per test -------------------------------------------------
const sqliteDirs: string[] = [];
dataLayerContract(
  "SQLite",
  {
    engine: "sqlite",
    setup: async () => undefined,
    teardown: async () => {
      for (const dir of sqliteDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
    newLocation: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "sqlite-contract-"));
      sqliteDirs.push(dataDir);
      return { url: undefined, dataDir };
    },
  },
  true,
);

// --- PostgreSQL: one throwaway server, a new database per test ------------------------
const postgresAvailable = findPostgresBinDir() !== null; // throws under CI=true when missing
let server: ThrowawayPostgres | null = null;
let databaseCounter = 0;
dataLayerContract(
  "PostgreSQL",
  {
    engine: "postgres",
    setup: async () => {
      server = await startPostgres("contract");
    },
    teardown: async () => {
      await server?.stop();
      server = null;
    },
    newLocation: async () => {
      if (!server) throw new Error("PostgreSQL did not start");
      const url = await server.createDatabase(`contract_${++databaseCounter}`);
      return { url, dataDir: "/nonexistent-unused" };
    },
  },
  postgresAvailable,
);
