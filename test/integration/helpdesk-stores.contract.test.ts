import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSqlStores, type Database, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { createHelpdeskStores, type HelpdeskStores } from "../../src/adapters/sql/ticket-store.js";
import { ConcurrentUpdateError } from "../../src/features/shared/errors.js";
import type { Ticket } from "../../src/ports/tickets.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";

const T0 = new Date("2026-11-25T09:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000).toISOString();

function ticket(id: string, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id,
    subject: "alexw@example.com",
    userKey: "aad-alex",
    loginName: "alexw",
    status: "open",
    questions: [{ text: "Jag får inget sms – vad gör jag? \"citat\" 'och' emoji 📱", at: at(0) }],
    step: "sms",
    lastError: "error.smsWrong",
    locale: "sv",
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

function helpdeskStoresContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(`helpdesk stores contract: ${factory.name}`, () => {
    let database: Database;
    let stores: HelpdeskStores;

    beforeAll(() => factory.setup());
    afterAll(() => factory.teardown());
    afterEach(async () => {
      await database?.close();
    });

    async function fresh(): Promise<void> {
      const location = await factory.newLocation();
      database = await openDatabase(location.url, location.dataDir);
      expect(database.engine).toBe(factory.engine);
      expect(await migrateToLatest(database.db)).toContain("0003_helpdesk");
      stores = createHelpdeskStores(database);
    }

    it("creates, reads back every field, and finds the subject's open ticket", async () => {
      await fresh();
      const channelMessage = { conversationId: "19:abc@thread.tacv2", activityId: "1700000000000", serviceUrl: "https://smba.trafficmanager.net/emea/" };
      expect(await stores.tickets.create(ticket("t1", { channelMessage }))).toBe(1);
      expect(await stores.tickets.get("t1")).toEqual({ value: ticket("t1", { channelMessage }), version: 1 });
      expect((await stores.tickets.findOpenForSubject("AlexW@Example.com"))?.value.id).toBe("t1");
      expect(await stores.tickets.findOpenForSubject("meganb@example.com")).toBeNull();
      expect(await stores.tickets.get("nope")).toBeNull();
    });

    it("keeps one open (open or taken) ticket per subject, in the database", async () => {
      await fresh();
      await stores.tickets.create(ticket("t1"));
      await expect(stores.tickets.create(ticket("t2"))).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await stores.tickets.save({ ...ticket("t1"), status: "taken", takenBy: "meganb@example.com" }, 1);
      await expect(stores.tickets.create(ticket("t2"))).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await expect(stores.tickets.create(ticket("t1", { subject: "other@example.com" }))).rejects.toBeInstanceOf(ConcurrentUpdateError); // same id
      // Once resolved, a new one may open; resolved ones stay.
      await stores.tickets.save({ ...ticket("t1"), status: "resolved", takenBy: "meganb@example.com", resolvedBy: "meganb@example.com", resolvedAt: at(60), updatedAt: at(60) }, 2);
      expect(await stores.tickets.create(ticket("t2", { createdAt: at(120), updatedAt: at(120) }))).toBe(1);
      expect((await stores.tickets.findOpenForSubject("alexw@example.com"))?.value.id).toBe("t2");
      const [a, b] = await Promise.allSettled([
        stores.tickets.create(ticket("t3", { subject: "lynner@example.com" })),
        stores.tickets.create(ticket("t4", { subject: "lynner@example.com" })),
      ]);
      expect([a.status, b.status].sort()).toEqual(["fulfilled", "rejected"]);
    });

    it("saves with compare-and-set: a stale version changes nothing", async () => {
      await fresh();
      await stores.tickets.create(ticket("t1"));
      const taken = { ...ticket("t1"), status: "taken" as const, takenBy: "meganb@example.com", updatedAt: at(10) };
      expect(await stores.tickets.save(taken, 1)).toBe(2);
      await expect(stores.tickets.save({ ...ticket("t1"), status: "resolved" }, 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(await stores.tickets.get("t1")).toEqual({ value: taken, version: 2 });
      const outcomes = await Promise.allSettled([stores.tickets.save({ ...taken, takenBy: "a@example.com" }, 2), stores.tickets.save({ ...taken, takenBy: "b@example.com" }, 2)]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      await expect(stores.tickets.save(ticket("missing"), 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    });

    it("lists newest first, filtered by status and subject, with a limit", async () => {
      await fresh();
      await stores.tickets.create(ticket("t1", { createdAt: at(0) }));
      await stores.tickets.save({ ...ticket("t1"), status: "resolved" }, 1);
      await stores.tickets.create(ticket("t2", { createdAt: at(10) }));
      await stores.tickets.create(ticket("t3", { subject: "lynner@example.com", createdAt: at(20) }));
      expect((await stores.tickets.list()).map((t) => t.id)).toEqual(["t3", "t2", "t1"]);
      expect((await stores.tickets.list({ status: ["open", "taken"] })).map((t) => t.id)).toEqual(["t3", "t2"]);
      expect((await stores.tickets.list({ subject: "ALEXW@example.com" })).map((t) => t.id)).toEqual(["t2", "t1"]);
      expect((await stores.tickets.list({ limit: 1 })).map((t) => t.id)).toEqual(["t3"]);
      expect(await stores.tickets.list({ status: [] })).toEqual([]);
    });

    it("records article feedback and counts it per article", async () => {
      await fresh();
      const record = (articleId: string, helpful: boolean, subject = "alexw@example.com") =>
        stores.articleFeedback.record({ articleId, locale: "sv", helpful, subject, at: new Date(T0) });
      expect(await stores.articleFeedback.countsByArticle()).toEqual([]);
      await record("no-sms", true);
      await record("no-sms", false, "lynner@example.com");
      await record("no-sms", true, "meganb@example.com");
      await record("qr-scan", false);
      expect(await stores.articleFeedback.countsByArticle()).toEqual([
        { articleId: "no-sms", helpful: 2, notHelpful: 1 },
        { articleId: "qr-scan", helpful: 0, notHelpful: 1 },
      ]);
    });

    it("clears one rate-counter key and leaves the others (RateCounter.clear)", async () => {
      await fresh();
      const rates = createSqlStores(database).rateCounter;
      const now = new Date(T0);
      await rates.record("sms:user:alexw@example.com", now);
      await rates.record("sms:user:alexw@example.com", now);
      await rates.record("sms:global", now);
      await rates.clear("sms:user:alexw@example.com");
      expect(await rates.countSince("sms:user:alexw@example.com", new Date(0))).toBe(0);
      expect(await rates.countSince("sms:global", new Date(0))).toBe(1);
    });
  });
}

helpdeskStoresContract(sqliteEngine("helpdesk"));
helpdeskStoresContract(postgresEngine("helpdesk"));
