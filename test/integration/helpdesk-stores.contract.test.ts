import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSqlStores, type Database, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { createHelpdeskStores, type HelpdeskStores } from "../../src/adapters/sql/ticket-store.js";
import { ticketStoreContract } from "../contracts/ticket-store.contract.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";

const T0 = new Date("2026-11-25T09:00:00.000Z");

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

    ticketStoreContract(factory.name, async () => {
      await fresh();
      return stores.tickets;
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
