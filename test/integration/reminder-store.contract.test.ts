/**
 * The reminder store (send queue, snoozes, campaigns) against SQLite and a throwaway
 * PostgreSQL: claims, one reminder a person a day, snoozes, and two instances (two Kysely
 * connections to one database) racing for the same rows: exactly one wins each.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSqlStores, type Database, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { SqlReminderStore } from "../../src/adapters/sql/reminder-store.js";
import { parseCampaign } from "../../src/features/reminders/campaign.js";
import { runCampaign } from "../../src/features/reminders/campaign-runner.js";
import {
  NO_CONVERSATION,
  SKIPPED_ENROLLED,
  type NewDelivery,
  type ProactiveSender,
  type ReminderMessage,
  type SendOutcome,
} from "../../src/ports/reminders.js";
import { realWait } from "../../src/adapters/real-time.js";
import { RateLimiter } from "../../src/features/reminders/rate-limiter.js";
import { systemClock } from "../../src/adapters/real-time.js";
import { postgresEngine, sqliteEngine, type EngineFactory, type Location } from "../support/sql-engines.js";

const T0 = new Date("2026-01-13T09:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const LEASE_MS = 120_000;
const staleBefore = (now: Date) => new Date(now.getTime() - LEASE_MS);

function delivery(campaignId: string, i: number, overrides: Partial<NewDelivery> = {}): NewDelivery {
  const upn = `u${i}@region.se`;
  const round = overrides.round ?? "0.0";
  return {
    id: `${campaignId}|${upn}|${round}`,
    campaignId,
    upn,
    loginName: `u${i}`,
    userKey: `aad-${i}`,
    round,
    day: "2026-01-13",
    createdAt: T0,
    ...overrides,
  };
}

const campaign = (id: string) =>
  parseCampaign({ id, audience: { upns: ["u0@region.se"] }, start: "2026-01-12", deadline: "2026-03-31", maxSnoozes: 2 });

function reminderStoreContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(`reminder store contract: ${factory.name}`, () => {
    const open: Database[] = [];
    let location: Location;
    let store: SqlReminderStore;

    beforeAll(() => factory.setup(), 120_000);
    afterAll(() => factory.teardown());
    afterEach(async () => {
      await Promise.allSettled(open.splice(0).map((d) => d.close()));
    });

    async function openMigrated(loc: Location): Promise<Database> {
      const database = await openDatabase(loc.url, loc.dataDir);
      open.push(database);
      expect(database.engine).toBe(factory.engine);
      await migrateToLatest(database.db);
      return database;
    }

    const connect = async (loc: Location) => new SqlReminderStore((await openMigrated(loc)).db);

    /** A fresh database and the first instance's store. */
    async function fresh(): Promise<void> {
      location = await factory.newLocation();
      store = await connect(location);
    }

    /** Another instance: its own connection (pool) to the same database. */
    const secondInstance = () => connect(location);

    it("saves and reads a campaign back", async () => {
      await fresh();
      const c = campaign("vt26");
      await store.saveCampaign(c, T0);
      await store.saveCampaign({ ...c, maxSnoozes: 1 }, at(1)); // saved again: replaced
      const back = await store.getCampaign("vt26");
      expect(back).toMatchObject({ id: "vt26", maxSnoozes: 1, deadlineDay: "2026-03-31", window: c.window });
      expect(back?.deadline.toISOString()).toBe(c.deadline.toISOString());
      expect(await store.getCampaign("nope")).toBeNull();
    });

    it("enqueues idempotently and at most one reminder a person a day across campaigns", async () => {
      await fresh();
      const rows = Array.from({ length: 250 }, (_, i) => delivery("vt26", i)); // more than one insert chunk
      expect(await store.enqueue(rows)).toHaveLength(250);
      expect(await store.enqueue(rows)).toEqual([]); // the same ids again
      // Another campaign, same people, same day: all refused by the (upn, day) key; another day is fine.
      expect(await store.enqueue([delivery("ht26", 0), delivery("ht26", 1)])).toEqual([]);
      expect(await store.enqueue([delivery("ht26", 0, { day: "2026-01-14" })])).toEqual(["ht26|u0@region.se|0.0"]);
      // Two rows for one person and day in one batch: the first wins.
      const inserted = await store.enqueue([delivery("x", 900, { round: "0.0" }), delivery("x", 900, { round: "0.1" })]);
      expect(inserted).toEqual(["x|u900@region.se|0.0"]);
      // Case does not make another person.
      expect(await store.enqueue([delivery("y", 0, { upn: "U0@Region.SE", id: "y|u0|0.0" })])).toEqual([]);

      const history = await store.history("vt26", "2026-01-13", ["U7@region.se", "u0@region.se", "u900@region.se", "nobody@region.se"]);
      expect([...history.roundsTaken].sort()).toEqual(["u0@region.se|0.0", "u7@region.se|0.0"]); // only the people asked about
      expect([...history.plannedOnDay].sort()).toEqual(["u0@region.se", "u7@region.se", "u900@region.se"]);
      expect(await store.summary("vt26")).toEqual({ pending: 250, sending: 0, sent: 0, failed: 0, skipped: 0 });
    });

    it("claims a row once, finishes it only by its owner, and takes over a stale claim", async () => {
      await fresh();
      await store.enqueue([delivery("vt26", 0), delivery("vt26", 1), delivery("vt26", 2, { createdAt: at(60) })]);
      const now = at(10);
      const claimable = await store.claimable("vt26", now, staleBefore(now), 10);
      expect(claimable.map((d) => d.id)).toEqual(["vt26|u0@region.se|0.0", "vt26|u1@region.se|0.0"]); // u2 not due yet
      expect(claimable[0]).toMatchObject({
        status: "pending",
        attempts: 0,
        upn: "u0@region.se",
        loginName: "u0",
        userKey: "aad-0",
        day: "2026-01-13",
      });

      const id = "vt26|u0@region.se|0.0";
      expect(await store.claim(id, "w1", now, staleBefore(now))).toBe(true);
      expect(await store.claim(id, "w2", now, staleBefore(now))).toBe(false);
      expect((await store.claimable("vt26", now, staleBefore(now), 10)).map((d) => d.id)).toEqual(["vt26|u1@region.se|0.0"]);
      await store.markSent(id, "w2", now, "not-mine"); // not the owner: ignored
      expect(await store.unfinished("vt26")).toMatchObject({ pending: 2, sending: 1, oldestClaim: now });

      // w1 dies; after the lease, w2 takes the row over and w1's late answer changes nothing.
      const later = new Date(now.getTime() + LEASE_MS + 1);
      const stale = await store.claimable("vt26", later, staleBefore(later), 10);
      expect(stale.map((d) => d.id)).toContain(id);
      expect(await store.claim(id, "w2", later, staleBefore(later))).toBe(true);
      await store.markSent(id, "w1", later, "late");
      await store.markSent(id, "w2", later, "activity-2");
      const [row] = (await store.claimable("vt26", at(10_000), staleBefore(at(10_000)), 10)).filter((d) => d.id === id);
      expect(row).toBeUndefined();
      expect(await store.summary("vt26")).toMatchObject({ sent: 1, pending: 2 });
      // A finished row cannot be claimed again, however late.
      expect(await store.claim(id, "w3", at(100_000), staleBefore(at(100_000)))).toBe(false);
    });

    it("releases for a retry, and records failures and skips with the reason", async () => {
      await fresh();
      await store.enqueue([delivery("vt26", 0), delivery("vt26", 1), delivery("vt26", 2)]);
      const now = at(1);
      for (const i of [0, 1, 2]) expect(await store.claim(`vt26|u${i}@region.se|0.0`, "w", now, staleBefore(now))).toBe(true);
      await store.release("vt26|u0@region.se|0.0", "w", at(30), "429: throttled");
      await store.markFailed("vt26|u1@region.se|0.0", "w", now, "403: bot blocked");
      await store.markSkipped("vt26|u2@region.se|0.0", "w", now, "enrolled");

      expect(await store.unfinished("vt26")).toEqual({ pending: 1, sending: 0, earliest: at(30) });
      expect(await store.claimable("vt26", at(29), staleBefore(at(29)), 10)).toEqual([]);
      const [retry] = await store.claimable("vt26", at(30), staleBefore(at(30)), 10);
      expect(retry).toMatchObject({ id: "vt26|u0@region.se|0.0", status: "pending", attempts: 1, lastError: "429: throttled" });
      expect(retry?.claimedBy).toBeUndefined();
      expect(await store.claim(retry!.id, "w", at(29), staleBefore(at(29)))).toBe(false); // not before notBefore
      expect(await store.claim(retry!.id, "w", at(30), staleBefore(at(30)))).toBe(true);
      expect((await store.claimable("vt26", at(10_000), staleBefore(at(10_000)), 10))[0]).toMatchObject({
        attempts: 2,
        status: "sending",
        claimedBy: "w",
      });
      expect(await store.summary("vt26")).toEqual({ pending: 0, sending: 1, sent: 0, failed: 1, skipped: 1 });
    });

    it("counts snoozes up to the limit, once per round, and records I can't", async () => {
      await fresh();
      const until = at(86_400);
      expect(await store.snooze("vt26", "A@Region.se", "0.0", until, 2, T0)).toMatchObject({
        ok: true,
        record: { count: 1, lastRound: "0.0", until },
      });
      expect(await store.snooze("vt26", "a@region.se", "0.0", until, 2, T0)).toMatchObject({
        ok: false,
        reason: "alreadySnoozed",
        record: { count: 1 },
      });
      expect(await store.snooze("vt26", "a@region.se", "0.1", at(2 * 86_400), 2, T0)).toMatchObject({ ok: true, record: { count: 2 } });
      expect(await store.snooze("vt26", "a@region.se", "0.2", until, 2, T0)).toMatchObject({
        ok: false,
        reason: "limitReached",
        record: { count: 2 },
      });
      expect(await store.snooze("ht26", "a@region.se", "0.0", until, 2, T0)).toMatchObject({ ok: true, record: { count: 1 } }); // per campaign
      expect(await store.snooze("vt26", "b@region.se", "0.0", until, 0, T0)).toMatchObject({
        ok: false,
        reason: "limitReached",
        record: { count: 0 },
      });

      await store.recordCannot("vt26", "C@region.se", 'Jag har ingen smarttelefon – "citat" 📱', at(5));
      await store.recordCannot("vt26", "a@region.se", "x".repeat(2000), at(6));
      expect([...(await store.snoozes("vt26", ["b@region.se"])).keys()]).toEqual(["b@region.se"]); // only the people asked about
      const snoozes = await store.snoozes("vt26", ["a@region.se", "B@region.se", "c@region.se", "d@region.se"]);
      expect([...snoozes.keys()].sort()).toEqual(["a@region.se", "b@region.se", "c@region.se"]);
      expect(snoozes.get("c@region.se")).toMatchObject({
        count: 0,
        cannotAt: at(5),
        cannotReason: 'Jag har ingen smarttelefon – "citat" 📱',
      });
      expect(snoozes.get("a@region.se")).toMatchObject({ count: 2, cannotAt: at(6) });
      expect(snoozes.get("a@region.se")?.cannotReason).toHaveLength(1000);
      expect(await store.getSnooze("vt26", "A@REGION.SE")).toMatchObject({ count: 2, until: at(2 * 86_400) });
      expect(await store.getSnooze("vt26", "nobody@region.se")).toBeNull();
    });

    it("reports a campaign: queue counts, snoozes, I can't, and the last run's view of the audience", async () => {
      await fresh();
      const c = campaign("vt26");
      await store.saveCampaign(c, T0);
      await store.saveCampaign(campaign("ht26"), T0);
      expect((await store.listCampaigns()).map((x) => x.id)).toEqual(["ht26", "vt26"]);
      await store.enqueue(Array.from({ length: 6 }, (_, i) => delivery("vt26", i)));
      const now = at(1);
      const claim = (i: number) => store.claim(`vt26|u${i}@region.se|0.0`, "w", now, staleBefore(now));
      for (const i of [0, 1, 2, 3, 4]) await claim(i);
      await store.markSent("vt26|u0@region.se|0.0", "w", now);
      await store.markSent("vt26|u1@region.se|0.0", "w", now);
      await store.markFailed("vt26|u2@region.se|0.0", "w", now, "403: blocked");
      await store.markFailed("vt26|u3@region.se|0.0", "w", now, NO_CONVERSATION);
      await store.markSkipped("vt26|u4@region.se|0.0", "w", now, SKIPPED_ENROLLED);
      await store.snooze("vt26", "s1@region.se", "0.0", at(3600), 3, now);
      await store.snooze("vt26", "s2@region.se", "0.0", at(10), 3, now); // over by the time of the report
      await store.recordCannot("vt26", "c1@region.se", "no phone", now);

      const before = await store.report(c, at(60));
      expect(before).toEqual({
        campaignId: "vt26",
        deadline: c.deadline,
        timeZone: "Europe/Stockholm",
        planned: 6,
        inProgress: 1,
        sent: 2,
        failed: 1,
        skippedEnrolled: 1,
        notReachable: 1,
        snoozed: 1,
        cannot: 1,
      });
      await store.recordRun("vt26", { at: at(30), audience: 300, skippedEnrolled: 40, notReachable: 12 });
      await store.recordRun("vt26", { at: at(50), audience: 300, skippedEnrolled: 41, notReachable: 11 }); // replaces
      expect(await store.report(c, at(60))).toEqual({
        ...before,
        skippedEnrolled: 41,
        notReachable: 11,
        lastRun: { at: at(50), audience: 300, skippedEnrolled: 41, notReachable: 11 },
      });
      expect(await store.report(campaign("ht26"), at(60))).toMatchObject({ planned: 0, sent: 0, snoozed: 0, cannot: 0, notReachable: 0 });
    });

    it("two instances racing for the same rows: each row is claimed exactly once", async () => {
      await fresh();
      const other = await secondInstance();
      const rows = Array.from({ length: 120 }, (_, i) => delivery("vt26", i));
      // Both instances plan the same round at once: each row is inserted once.
      const [a, b] = await Promise.all([store.enqueue(rows), other.enqueue(rows)]);
      expect(a.length + b.length).toBe(120);
      expect(new Set([...a, ...b]).size).toBe(120);

      const now = at(1);
      const race = (s: SqlReminderStore, worker: string) => Promise.all(rows.map((r) => s.claim(r.id, worker, now, staleBefore(now))));
      const [wonA, wonB] = await Promise.all([race(store, "instance-a"), race(other, "instance-b")]);
      for (let i = 0; i < rows.length; i++) expect(Number(wonA[i]) + Number(wonB[i]), rows[i]!.id).toBe(1);

      // Each instance finishes only its own rows, even when both try all of them.
      await Promise.all(
        rows.map((r) => Promise.all([store.markSent(r.id, "instance-a", now, "a"), other.markSent(r.id, "instance-b", now, "b")])),
      );
      const claimed = await Promise.all([other.summary("vt26"), store.summary("vt26")]);
      expect(claimed[0]).toEqual({ pending: 0, sending: 0, sent: 120, failed: 0, skipped: 0 });
      expect(claimed[1]).toEqual(claimed[0]);

      // Stale rows taken over by both instances at once: still exactly one winner each.
      const more = Array.from({ length: 40 }, (_, i) => delivery("ht26", 1000 + i));
      await store.enqueue(more);
      await Promise.all(more.map((r) => store.claim(r.id, "dead", now, staleBefore(now))));
      const later = new Date(now.getTime() + LEASE_MS + 1);
      const [takeA, takeB] = await Promise.all(
        [store, other].map((s, k) => Promise.all(more.map((r) => s.claim(r.id, `taker-${k}`, later, staleBefore(later))))),
      );
      for (let i = 0; i < more.length; i++) expect(Number(takeA![i]) + Number(takeB![i])).toBe(1);
    });

    it("two instances snoozing the same person at once: the limit holds", async () => {
      await fresh();
      const other = await secondInstance();
      const rounds = ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"];
      const results = await Promise.all(
        rounds.flatMap((round) => [store, other].map((s) => s.snooze("vt26", "a@region.se", round, at(60), 2, T0))),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(2);
      expect((await store.getSnooze("vt26", "a@region.se"))?.count).toBe(2);
    });

    it("two instances run the same campaign at once: every reminder is sent exactly once", async () => {
      await fresh();
      const users = 80;
      const upns = Array.from({ length: users }, (_, i) => `p${i}@region.se`);
      const setup = createSqlStores(open[0]!);
      for (const [i, upn] of upns.entries()) {
        await setup.conversationRefs.upsert({
          userKey: `aad-p${i}`,
          upn,
          locale: "sv",
          reference: { conversation: { id: `a:p${i}` } },
          updatedAt: new Date(),
        });
      }
      const c = parseCampaign({ id: "both", audience: { upns }, start: "2020-01-01", deadline: "2099-12-31" });
      const sent = new Map<string, number>();
      const failedOnce = new Set<string>();
      /** Answers after a few ms; every 7th conversation gets one 503 first (released, retried). */
      const sender: ProactiveSender = {
        async send(message: ReminderMessage): Promise<SendOutcome> {
          const id = (message.reference.conversation as { id: string }).id;
          await realWait(1 + Math.random() * 4);
          if (Number(id.slice(3)) % 7 === 0 && !failedOnce.has(id)) {
            failedOnce.add(id);
            return { kind: "retryable", status: 503, reason: "injected" };
          }
          sent.set(id, (sent.get(id) ?? 0) + 1);
          return { kind: "ok", activityId: `act-${id}` };
        },
      };
      const instance = async (name: string) => {
        const database = name === "a" ? open[0]! : await openMigrated(location);
        const stores = createSqlStores(database);
        return runCampaign(
          c,
          {
            store: new SqlReminderStore(database.db),
            sender,
            tokens: stores.tokens,
            conversations: stores.conversationRefs,
            clock: systemClock,
            wait: realWait,
            limiter: new RateLimiter({ global: [{ limit: 10_000, ms: 1_000 }] }),
            audience: async () => ({ members: upns.map((upn) => ({ upn, loginName: upn.split("@")[0]! })), unknown: [] }),
          },
          { ignoreWindow: true, untilComplete: true, workers: 4, baseBackoffMs: 20, maxBackoffMs: 50, workerPrefix: `instance-${name}` },
        );
      };
      const [a, b] = await Promise.all([instance("a"), instance("b")]);
      expect(a.report.sent + b.report.sent).toBe(users);
      expect(a.report.failed + b.report.failed).toBe(0);
      expect(a.details.newlyPlanned + b.details.newlyPlanned).toBe(users);
      expect(sent.size).toBe(users);
      expect([...sent.values()].every((n) => n === 1)).toBe(true);
      expect(await store.summary("both")).toEqual({ pending: 0, sending: 0, sent: users, failed: 0, skipped: 0 });
    });
  });
}

reminderStoreContract(sqliteEngine("reminders"));
reminderStoreContract(postgresEngine("reminders"));
