/**
 * The reminder sender lease (one sender at a time across instances) against SQLite and a
 * throwaway PostgreSQL: acquire, renew, release, expiry, and several instances (each its
 * own connection pool to one database) racing for it: exactly one wins each time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Database, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { SqlSenderLease } from "../../src/adapters/sql/sender-lease.js";
import { postgresEngine, sqliteEngine, type EngineFactory, type Location } from "../support/sql-engines.js";

const T0 = new Date("2026-01-13T09:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const TTL = 30_000;

function senderLeaseContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(`reminder sender lease contract: ${factory.name}`, () => {
    const open: Database[] = [];
    let location: Location;

    beforeAll(() => factory.setup(), 120_000);
    afterAll(() => factory.teardown());
    afterEach(async () => {
      await Promise.allSettled(open.splice(0).map((d) => d.close()));
    });

    /** One instance: its own connection (pool) to the test's database. */
    async function instance(): Promise<SqlSenderLease> {
      const database = await openDatabase(location.url, location.dataDir);
      open.push(database);
      await migrateToLatest(database.db);
      return new SqlSenderLease(database.db);
    }

    async function fresh(): Promise<SqlSenderLease> {
      location = await factory.newLocation();
      return instance();
    }

    it("is free at first; the holder renews it, nobody else gets or renews it until it is released", async () => {
      const lease = await fresh();
      expect(await lease.current()).toBeNull();
      expect(await lease.acquire("a", T0, TTL)).toBe(true);
      expect(await lease.current()).toEqual({ holder: "a", expiresAt: at(TTL) });
      expect(await lease.acquire("b", at(1_000), TTL)).toBe(false);
      expect(await lease.renew("b", at(1_000), TTL)).toBe(false); // renew by a non-holder: refused
      expect(await lease.current()).toEqual({ holder: "a", expiresAt: at(TTL) });
      expect(await lease.acquire("a", at(2_000), TTL)).toBe(true); // the holder again: kept, extended
      expect(await lease.renew("a", at(10_000), TTL)).toBe(true);
      expect(await lease.current()).toEqual({ holder: "a", expiresAt: at(10_000 + TTL) });
      // Not expired at the old expiry any more.
      expect(await lease.acquire("b", at(TTL + 1), TTL)).toBe(false);

      await lease.release("b"); // not b's: nothing happens
      expect((await lease.current())?.holder).toBe("a");
      await lease.release("a");
      expect(await lease.current()).toBeNull();
      expect(await lease.renew("a", at(11_000), TTL)).toBe(false); // released is released
      expect(await lease.acquire("b", at(11_000), TTL)).toBe(true); // free at once, long before the expiry
      expect(await lease.current()).toEqual({ holder: "b", expiresAt: at(11_000 + TTL) });
    });

    it("expires after the ttl: a crashed holder's lease is taken over, and its late renewal is refused", async () => {
      const lease = await fresh();
      expect(await lease.acquire("crashed", T0, TTL)).toBe(true);
      expect(await lease.acquire("b", at(TTL - 1), TTL)).toBe(false); // a millisecond before the end
      expect(await lease.acquire("b", at(TTL), TTL)).toBe(true); // at the end: free
      expect(await lease.renew("crashed", at(TTL + 5), TTL)).toBe(false);
      expect(await lease.acquire("crashed", at(TTL + 5), TTL)).toBe(false);
      await lease.release("crashed"); // the old holder's release leaves b's lease alone
      expect(await lease.current()).toEqual({ holder: "b", expiresAt: at(2 * TTL) });

      // Expired but nobody took it: the old holder cannot renew it (it must acquire again).
      expect(await lease.renew("b", at(2 * TTL), TTL)).toBe(false);
      expect(await lease.acquire("b", at(2 * TTL), TTL)).toBe(true);
      expect(await lease.renew("b", at(2 * TTL + 1), TTL)).toBe(true);
    });

    it("instances racing for it: exactly one wins, whether it is new, expired or just released", async () => {
      const first = await fresh();
      const others = await Promise.all(Array.from({ length: 4 }, () => instance()));
      const all = [first, ...others];
      let now = T0.getTime();
      for (let round = 0; round < 12; round++) {
        // Each instance asks twice at once under its own name (two workers of one instance share a name).
        const names = all.flatMap((_, i) => [`i${i}`, `i${i}`]);
        const results = await Promise.all(names.map((name, k) => all[Math.floor(k / 2)]!.acquire(name, new Date(now), TTL)));
        const winners = new Set(names.filter((_, k) => results[k]));
        expect(winners.size, `round ${round}`).toBe(1);
        const winner = [...winners][0]!;
        expect((await first.current())?.holder).toBe(winner);
        // The others cannot renew it; the winner can.
        const renewals = await Promise.all(all.map((l, i) => l.renew(`i${i}`, new Date(now + 1), TTL)));
        expect(renewals.filter(Boolean)).toHaveLength(1);
        expect(renewals[Number(winner.slice(1))]).toBe(true);
        // Alternate: let it expire, or release it.
        if (round % 2 === 0) now += TTL + 2;
        else await all[Number(winner.slice(1))]!.release(winner);
      }
    });

    it("renewal and a takeover racing at the expiry: never two holders", async () => {
      const first = await fresh();
      const other = await instance();
      for (let round = 0; round < 10; round++) {
        const start = at(round * 10 * TTL);
        expect(await first.acquire("a", start, TTL)).toBe(true);
        const end = new Date(start.getTime() + TTL);
        const [renewed, taken] = await Promise.all([first.renew("a", end, TTL), other.acquire("b", end, TTL)]);
        // At the expiry the lease is free: a's renewal must fail, and b gets it.
        expect([renewed, taken]).toEqual([false, true]);
        expect((await other.current())?.holder).toBe("b");
        await other.release("b");
      }
    });
  });
}

senderLeaseContract(sqliteEngine("senderlease"));
senderLeaseContract(postgresEngine("senderlease"));
