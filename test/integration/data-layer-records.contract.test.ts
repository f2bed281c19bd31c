/**
 * Data-layer contract on SQLite and a throwaway PostgreSQL, the other records: the rate
 * counter, the append-only audit log, conversation references, and the Bot Framework
 * storage with eTag optimistic concurrency.
 */
import { describe, expect, it } from "vitest";
import { type Database, SqlAuditLog, type SqlStores } from "../../src/adapters/sql/index.js";
import { SqlBotStorage } from "../../src/bot/edge/sql-bot-storage.js";
import { at, dataLayerSuite } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";

function recordsContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(
    `data layer contract (rate counter, audit log, conversation refs, bot storage): ${factory.name}`,
    () => {
      const suite = dataLayerSuite(factory);
      let database: Database;
      let stores: SqlStores;

      // Every test gets its own empty database.
      async function fresh(): Promise<void> {
        ({ database, stores } = await suite.fresh());
      }

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

      it("rate counter's throttle windows: one atomic hit each, a window opens at its first hit, clear and prune forget it", async () => {
        await fresh();
        const { rateCounter } = stores;
        expect(await rateCounter.hit("valuser:alexw", at(0), 60_000)).toBe(1);
        expect(await rateCounter.hit("valuser:alexw", at(30), 60_000)).toBe(2);
        expect(await rateCounter.hit("valuser:isaiahl", at(30), 60_000)).toBe(1);
        expect(await rateCounter.hit("valuser:alexw", at(59), 60_000)).toBe(3);
        // The window opened at 0 s closes at 60 s: the next hit opens a new one.
        expect(await rateCounter.hit("valuser:alexw", at(60), 60_000)).toBe(1);
        // Concurrent hits each get their own number (no two see the same count).
        const burst = await Promise.all(Array.from({ length: 20 }, () => rateCounter.hit("burst", at(100), 60_000)));
        expect([...burst].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        await rateCounter.clear("burst");
        expect(await rateCounter.hit("burst", at(101), 60_000)).toBe(1);
        expect(await rateCounter.prune(at(61))).toBe(2);
        expect(await rateCounter.hit("valuser:isaiahl", at(62), 60_000)).toBe(1);
      });

      it("rate counter's throttle windows: keys that differ only in a lone surrogate half are one key, even in one batch", async () => {
        await fresh();
        const { rateCounter } = stores;
        // Stored as UTF-8 both are "k\ufffd": in one PostgreSQL statement they would be one row updated twice (an error for every login in it).
        const counts = await Promise.all(["k\ud800", "k\udbff", "plain"].map((key) => rateCounter.hit(key, at(0), 60_000)));
        expect(counts).toEqual([1, 2, 1]);
        expect(await rateCounter.hit("k\ufffd", at(1), 60_000)).toBe(3);
      });

      it("rate counter's throttle windows: concurrent hits on several keys, windows open and closed, count as one at a time would", async () => {
        await fresh();
        const { rateCounter } = stores;
        // "old" opened at 0 s and closes at 60 s; "recent" opened at 50 s; "new" has no window yet.
        await rateCounter.hit("old", at(0), 60_000);
        await rateCounter.hit("recent", at(50), 60_000);
        const keys = ["old", "recent", "new"] as const;
        const counts = await Promise.all(
          Array.from({ length: 30 }, (_, i) => rateCounter.hit(keys[i % 3]!, at(70), 60_000).then((n) => ({ key: keys[i % 3]!, n }))),
        );
        const numbers = (key: string) => counts.filter((c) => c.key === key).map((c) => c.n);
        const oneTo = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);
        expect(numbers("old").sort((a, b) => a - b)).toEqual(oneTo(10));
        expect(numbers("recent").sort((a, b) => a - b)).toEqual(oneTo(10, 2));
        expect(numbers("new").sort((a, b) => a - b)).toEqual(oneTo(10));
        // The new window of "old" opened at 70 s: open until 130 s.
        expect(await rateCounter.hit("old", at(129), 60_000)).toBe(11);
        expect(await rateCounter.hit("old", at(130), 60_000)).toBe(1);
      });

      it("rate counter prunes events older than a moment, every key, and keeps the rest", async () => {
        await fresh();
        const { rateCounter } = stores;
        for (const s of [0, 10, 70]) await rateCounter.record("sms:alexw", at(s));
        await rateCounter.record("pw:alexw", at(5));
        await rateCounter.record("smsfail:alexw", at(10));
        expect(await rateCounter.prune(at(10))).toBe(2);
        expect(await rateCounter.countSince("sms:alexw", at(-3600))).toBe(2);
        expect(await rateCounter.countSince("pw:alexw", at(-3600))).toBe(0);
        expect(await rateCounter.countSince("smsfail:alexw", at(-3600))).toBe(1);
        expect(await rateCounter.prune(at(10))).toBe(0);
        expect(await rateCounter.latestAt("sms:alexw")).toEqual(at(70));
        expect(await rateCounter.latestAt("nothing")).toBeNull();
        expect(await rateCounter.prune(at(3600))).toBe(3);
      });

      it("audit log appends and lists oldest first; it has no update or delete", async () => {
        await fresh();
        const { audit } = stores;
        await audit.append({ at: at(20), subject: "alexw@example.com", actor: "system", action: "enroll.b", outcome: "ok" });
        await audit.append({
          at: at(10),
          subject: "alexw@example.com",
          actor: "alexw@example.com",
          action: "enroll.a",
          outcome: "refused",
          detail: { reason: "wrong-password", attempts: 2, locked: false },
        });
        await audit.append({ at: at(20), subject: "alexw@example.com", actor: "system", action: "enroll.c", outcome: "error" });
        await audit.append({ at: at(15), subject: "megan@example.com", actor: "system", action: "other", outcome: "ok" });

        const all = await audit.listForSubject("alexw@example.com");
        expect(all.map((e) => e.action)).toEqual(["enroll.a", "enroll.b", "enroll.c"]);
        expect(all[0]).toEqual({
          at: at(10),
          subject: "alexw@example.com",
          actor: "alexw@example.com",
          action: "enroll.a",
          outcome: "refused",
          detail: { reason: "wrong-password", attempts: 2, locked: false },
        });
        expect(all[1]).not.toHaveProperty("detail");
        expect((await audit.listForSubject("alexw@example.com", 2)).map((e) => e.action)).toEqual(["enroll.b", "enroll.c"]);
        expect(await audit.listForSubject("nobody@example.com")).toEqual([]);
        // The newest event of an action (and outcome): what the helpdesk card shows of logins.
        expect((await audit.latestOf("alexw@example.com", "enroll.a"))?.at).toEqual(at(10));
        expect(await audit.latestOf("alexw@example.com", "enroll.a", "ok")).toBeNull();
        expect(await audit.latestOf("nobody@example.com", "enroll.a")).toBeNull();

        // Appending and reading only: no update or delete path.
        const methods = Object.getOwnPropertyNames(SqlAuditLog.prototype)
          .filter((m) => m !== "constructor")
          .sort();
        expect(methods).toEqual(["append", "latestOf", "listForSubject"]);
      });

      it("audit log: concurrent appends are each committed when they resolve, in the order they were made", async () => {
        await fresh();
        const { audit } = stores;
        await Promise.all(
          Array.from({ length: 60 }, (_, i) =>
            audit.append({ at: at(30), subject: "burst@example.com", actor: "system", action: `a${i}`, outcome: "ok", detail: { i } }),
          ),
        );
        const listed = await audit.listForSubject("burst@example.com");
        expect(listed.map((e) => e.action)).toEqual(Array.from({ length: 60 }, (_, i) => `a${i}`));
      });

      it("conversation refs upsert, get and find by UPN case-insensitively", async () => {
        await fresh();
        const { conversationRefs } = stores;
        const reference = { conversation: { id: "a:1" }, serviceUrl: "https://smba.example/", user: { id: "29:1" } };
        await conversationRefs.upsert({ userKey: "u1", upn: "Alex.Wilber@Example.com", locale: "sv", reference, updatedAt: at(0) });
        expect(await conversationRefs.get("u1")).toEqual({
          userKey: "u1",
          upn: "alex.wilber@example.com",
          locale: "sv",
          reference,
          updatedAt: at(0),
        });
        expect((await conversationRefs.findByUpn("ALEX.WILBER@example.COM"))?.userKey).toBe("u1");
        await conversationRefs.upsert({
          userKey: "u1",
          upn: "alex.wilber@example.com",
          locale: "en",
          reference: { x: 1 },
          updatedAt: at(5),
        });
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
        await expect(storage.write({ "conv/2": { a: 1 }, "conv/1": { eTag: "stale", dialog: {} } })).rejects.toThrow(/eTag conflict/);
        expect(await storage.read(["conv/2"])).toEqual({});

        await storage.delete(["conv/1", "never-there"]);
        expect(await storage.read(["conv/1"])).toEqual({});
        // A specific eTag for an item deleted meanwhile is a conflict too.
        await expect(storage.write({ "conv/1": { ...second } })).rejects.toThrow(/eTag conflict/);
      });
    },
  );
}

recordsContract(sqliteEngine("contract"));
recordsContract(postgresEngine("contract"));
