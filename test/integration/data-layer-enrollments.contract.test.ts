/**
 * Data-layer contract on SQLite and a throwaway PostgreSQL, enrollments and tokens: the
 * enrollment save is a compare-and-set, activating a token replaces the login's active one in
 * the same transaction, and races (concurrent saves and activations) leave exactly one winner.
 */
import { describe, expect, it } from "vitest";
import type { Database, SqlStores } from "../../src/adapters/sql/index.js";
import { SqlSealedValueStore } from "../../src/adapters/sql/sealed-value-store.js";
import { ConcurrentUpdateError } from "../../src/features/shared/errors.js";
import { enrollmentStoreContract } from "../contracts/enrollment-store.contract.js";
import { at, dataLayerSuite, state, token } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";

function enrollmentsContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(`data layer contract (enrollments and tokens): ${factory.name}`, () => {
    const suite = dataLayerSuite(factory);
    let database: Database;
    let stores: SqlStores;

    // Every test gets its own empty database.
    async function fresh(): Promise<void> {
      ({ database, stores } = await suite.fresh());
    }

    enrollmentStoreContract(factory.name, async () => (await suite.fresh()).stores.enrollments);

    async function tokenRows(loginName: string) {
      return database.db.selectFrom("tokens").selectAll().where("login_name", "=", loginName).orderBy("id").execute();
    }

    it("a key rotation's re-seal of a pending secret does not make the flow's turn in flight lose its save", async () => {
      await fresh();
      const { enrollments } = stores;
      await enrollments.save("u1", state({ step: "qr", pendingSecret: "sealed-with-old-key" }), null);
      const loaded = (await enrollments.load("u1"))!;
      const sealed = new SqlSealedValueStore(database.db);
      const [row] = await sealed.page("enrollment", null, 10);
      expect(await sealed.replace(row!, "sealed-with-new-key")).toBe(true);
      expect((await enrollments.load("u1"))?.value.pendingSecret).toBe("sealed-with-new-key");
      // The employee's turn loaded before the re-seal: its save still wins.
      expect(await enrollments.save("u1", { ...loaded.value, step: "done", pendingSecret: undefined }, loaded.version)).toBe(
        loaded.version + 1,
      );
      // A re-seal read before a turn's save does not overwrite it.
      await enrollments.save("u1", state({ step: "qr", pendingSecret: "again-old" }), loaded.version + 1);
      const [stale] = await sealed.page("enrollment", null, 10);
      await enrollments.save("u1", state({ step: "qr", pendingSecret: "newer-turn" }), loaded.version + 2);
      expect(await sealed.replace(stale!, "resealed-stale")).toBe(false);
      expect((await enrollments.load("u1"))?.value.pendingSecret).toBe("newer-turn");
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
      expect(rows.map((r) => [r.id, r.status])).toEqual([
        ["t1", "replaced"],
        ["t2", "active"],
      ]);
      expect(new Date(rows[0]?.ended_at ?? "")).toEqual(at(600));

      // Stale version: nothing changes, not even the tokens.
      await expect(enrollments.save("u1", state(), 1, token("t3"))).rejects.toBeInstanceOf(ConcurrentUpdateError);
      // The CAS passes but the token insert fails (id taken): the CAS and the replace roll back.
      await expect(enrollments.save("u1", state({ step: "cancelled" }), 2, token("t1"))).rejects.toThrow();
      expect((await enrollments.load("u1"))?.version).toBe(2);
      expect((await enrollments.load("u1"))?.value.step).toBe("done");
      expect((await tokenRows("alexw")).map((r) => [r.id, r.status])).toEqual([
        ["t1", "replaced"],
        ["t2", "active"],
      ]);
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

    it("countTry counts each try at the active token atomically; a lock stops the count until it ends; a login or Clear starts afresh", async () => {
      await fresh();
      const { enrollments, tokens } = stores;
      expect(await tokens.countTry("alexw", at(0))).toBeNull();
      await enrollments.save("u1", state(), null, token("t1", "alexw", 100));
      expect((await tokens.findActive("alexw"))?.failedTries).toBe(0);
      expect(await tokens.countTry("ALEXW", at(0))).toMatchObject({ id: "t1", failedTries: 1, secretSealed: "sealed-t1" });
      const burst = await Promise.all(Array.from({ length: 12 }, () => tokens.countTry("alexw", at(1))));
      expect(burst.map((t) => t?.failedTries).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
      // An accepted login starts the count afresh.
      expect(await tokens.advanceTimeStep("t1", 101, at(2))).toBe(true);
      expect(await tokens.countTry("alexw", at(3))).toMatchObject({ failedTries: 1, lastTimeStep: 101 });
      expect(await tokens.findActive("alexw")).toMatchObject({ lastUsedAt: at(2) });
      // Locked: returned uncounted with the lock's end; a second lock does not move it.
      await tokens.lock("t1", at(1800));
      await tokens.lock("t1", at(9999));
      expect(await tokens.countTry("alexw", at(4))).toMatchObject({ failedTries: 1, lockedUntil: at(1800) });
      expect(await tokens.countTry("alexw", at(1799))).toMatchObject({ failedTries: 1, lockedUntil: at(1800) });
      // The lock's end: the next try is the first of a new count.
      const after = await tokens.countTry("alexw", at(1800));
      expect(after?.failedTries).toBe(1);
      expect(after?.lockedUntil).toBeUndefined();
      await tokens.countTry("alexw", at(1801));
      await tokens.lock("t1", at(5000));
      await tokens.clearLock("t1");
      expect(await tokens.findActive("alexw")).toMatchObject({ failedTries: 0 });
      expect((await tokens.findActive("alexw"))?.lockedUntil).toBeUndefined();
      // A revoked token is not counted.
      await tokens.revoke("alexw", at(6000));
      expect(await tokens.countTry("alexw", at(6001))).toBeNull();
    });

    it("advanceTimeStep with the login's moment: of concurrent logins with one code exactly one wins; other tokens are not held up", async () => {
      await fresh();
      const { enrollments, tokens } = stores;
      await enrollments.save("u1", state(), null, token("t1", "alexw", 100));
      await enrollments.save("u2", state(), null, token("t2", "isaiahl", 100));
      const race = await Promise.all([1, 2, 3, 4, 5].map(() => tokens.advanceTimeStep("t1", 105, at(1))));
      expect(race.filter(Boolean)).toHaveLength(1);
      const mixed = await Promise.all([
        tokens.advanceTimeStep("t1", 106, at(2)),
        tokens.advanceTimeStep("t2", 101, at(2)),
        tokens.advanceTimeStep("t1", 107, at(2)),
        tokens.advanceTimeStep("t1", 106, at(2)),
      ]);
      expect(mixed).toEqual([true, true, true, false]);
      expect(await tokens.findActive("alexw")).toMatchObject({ lastTimeStep: 107, lastUsedAt: at(2), failedTries: 0 });
      expect(await tokens.findActive("isaiahl")).toMatchObject({ lastTimeStep: 101, lastUsedAt: at(2) });
    });

    it("countTry: concurrent tries at several logins, one locked and one whose lock has ended, count as one at a time would", async () => {
      await fresh();
      const { enrollments, tokens } = stores;
      for (const [user, id] of [
        ["u1", "alexw"],
        ["u2", "isaiahl"],
        ["u3", "pattif"],
      ] as const) {
        await enrollments.save(user, state(), null, token(`t-${id}`, id, 100));
      }
      await tokens.countTry("isaiahl", at(0));
      await tokens.lock("t-isaiahl", at(100));
      await tokens.countTry("pattif", at(0));
      await tokens.lock("t-pattif", at(5));
      const logins = ["alexw", "isaiahl", "pattif"];
      const tries = await Promise.all(Array.from({ length: 15 }, (_, i) => tokens.countTry(logins[i % 3]!, at(10))));
      const of = (login: string) => tries.filter((t) => t?.id === `t-${login}`);
      const numbers = (login: string) =>
        of(login)
          .map((t) => t!.failedTries!)
          .sort((a, b) => a - b);
      expect(numbers("alexw")).toEqual([1, 2, 3, 4, 5]);
      // Locked: none counted, each told the lock's end.
      expect(of("isaiahl").map((t) => [t!.failedTries, t!.lockedUntil])).toEqual(Array.from({ length: 5 }, () => [1, at(100)]));
      // The lock ended at 5 s: a new count, and no lock.
      expect(numbers("pattif")).toEqual([1, 2, 3, 4, 5]);
      expect(of("pattif").every((t) => t!.lockedUntil === undefined)).toBe(true);
      expect((await tokens.findActive("pattif"))?.failedTries).toBe(5);
    });
  });
}

enrollmentsContract(sqliteEngine("contract"));
enrollmentsContract(postgresEngine("contract"));
