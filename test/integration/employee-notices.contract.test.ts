/**
 * The employee notice outbox contract, held by the SQL store on SQLite and a throwaway
 * PostgreSQL and by the in-memory fake: oldest first, a claim excludes others until its
 * lease ends, done is final.
 */
import { describe, expect, it } from "vitest";
import { SqlEmployeeNoticeOutbox } from "../../src/adapters/sql/employee-notice-store.js";
import type { EmployeeNoticeOutbox } from "../../src/ports/employee-notices.js";
import { at, dataLayerSuite } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";
import { MemoryNoticeOutbox } from "../unit/fakes.js";

const notice = (id: string, seconds: number) => ({
  id,
  upn: "AlexW@example.com",
  key: "notice.tokenLocked",
  params: { time: "14:30" },
  createdAt: at(seconds),
});

function contract(name: string, outbox: () => Promise<EmployeeNoticeOutbox>): void {
  describe(`employee notice outbox contract: ${name}`, () => {
    it("claims oldest first, each once while its lease runs, again after it; done is final", async () => {
      const box = await outbox();
      await box.enqueue(notice("n2", 20));
      await box.enqueue(notice("n1", 10));
      await box.enqueue(notice("n3", 30));
      const first = await box.claim(2, at(40), 60_000);
      expect(first).toEqual([
        { id: "n1", upn: "alexw@example.com", key: "notice.tokenLocked", params: { time: "14:30" }, createdAt: at(10) },
        expect.objectContaining({ id: "n2" }),
      ]);
      expect((await box.claim(10, at(41), 60_000)).map((n) => n.id)).toEqual(["n3"]);
      expect(await box.claim(10, at(42), 60_000)).toEqual([]);
      await box.done("n1", at(43));
      // n2 and n3 were never marked done: after the lease a deliverer claims them again.
      expect((await box.claim(10, at(101), 60_000)).map((n) => n.id)).toEqual(["n2", "n3"]);
    });

    it("concurrent claims never hand one notice to two deliverers, and together take them all", async () => {
      const box = await outbox();
      for (let i = 0; i < 20; i++) await box.enqueue(notice(`n${String(i).padStart(2, "0")}`, i));
      const ids: string[] = [];
      for (let round = 0; round < 4 && ids.length < 20; round++) {
        const claims = await Promise.all(Array.from({ length: 4 }, () => box.claim(10, at(100), 60_000)));
        ids.push(...claims.flat().map((n) => n.id));
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(20);
    });
  });
}

function sqlContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(factory.name, () => {
    const suite = dataLayerSuite(factory);
    contract(`SQL on ${factory.name}`, async () => new SqlEmployeeNoticeOutbox((await suite.fresh()).database.db));
  });
}

contract("in-memory fake", async () => new MemoryNoticeOutbox());
sqlContract(sqliteEngine("employee-notices"));
sqlContract(postgresEngine("employee_notices"));
