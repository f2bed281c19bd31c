/**
 * The TemporaryAccessStore contract, held by the SQL store on SQLite and a throwaway
 * PostgreSQL and by the in-memory fake the unit tests use: one open grant per login, each try
 * counted atomically, a single-use grant used once even by concurrent logins.
 */
import { describe, expect, it } from "vitest";
import { SqlTemporaryAccessStore } from "../../src/adapters/sql/temporary-access-store.js";
import type { NewTemporaryAccess, TemporaryAccessStore } from "../../src/ports/temporary-access.js";
import { at, dataLayerSuite } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";
import { MemoryTemporaryAccess } from "../unit/fakes.js";

const grant = (id: string, overrides: Partial<NewTemporaryAccess> = {}): NewTemporaryAccess => ({
  id,
  loginName: "alexw",
  upn: "alexw@example.com",
  codeHash: `hash-${id}`,
  issuedBy: "meganb@example.com",
  issuedAt: at(0),
  expiresAt: at(3600),
  reusable: false,
  ...overrides,
});

function contract(name: string, store: () => Promise<TemporaryAccessStore>, enabled = true): void {
  describe.skipIf(!enabled)(`temporary access store contract: ${name}`, () => {
    it("issues one open grant per login; a new one ends the old", async () => {
      const grants = await store();
      expect(await grants.latest("alexw")).toBeNull();
      await grants.issue(grant("g1"));
      await grants.issue(grant("g2", { issuedAt: at(10) }));
      expect(await grants.latest("ALEXW")).toMatchObject({
        id: "g2",
        codeHash: "hash-g2",
        failedTries: 0,
        reusable: false,
        expiresAt: at(3600),
      });
      expect(await grants.countTry("alexw", at(20))).toMatchObject({ id: "g2", failedTries: 1 });
      expect(await grants.countTry("isaiahl", at(20))).toBeNull();
    });

    it("counts concurrent tries one by one, and no try after expiry or end", async () => {
      const grants = await store();
      await grants.issue(grant("g1"));
      const tries = await Promise.all(Array.from({ length: 10 }, () => grants.countTry("alexw", at(5))));
      expect(tries.map((t) => t?.failedTries).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      expect(await grants.countTry("alexw", at(3600))).toBeNull();
      await grants.issue(grant("g2", { issuedAt: at(6) }));
      expect(await grants.end("alexw", at(7))).toBe(true);
      expect(await grants.end("alexw", at(8))).toBe(false);
      expect(await grants.countTry("alexw", at(9))).toBeNull();
      expect((await grants.latest("alexw"))?.endedAt).toEqual(at(7));
    });

    it("a single-use grant is used once, even by concurrent logins; a reusable one until it expires", async () => {
      const grants = await store();
      await grants.issue(grant("g1"));
      const uses = await Promise.all(Array.from({ length: 5 }, () => grants.use("g1", at(30))));
      expect(uses.filter(Boolean)).toHaveLength(1);
      expect(await grants.latest("alexw")).toMatchObject({ usedAt: at(30), endedAt: at(30) });
      await grants.issue(grant("g2", { issuedAt: at(40), reusable: true }));
      expect(await grants.use("g2", at(50))).toBe(true);
      expect(await grants.use("g2", at(60))).toBe(true);
      expect((await grants.latest("alexw"))?.endedAt).toBeUndefined();
      expect(await grants.use("g2", at(3600))).toBe(false);
    });
  });
}

function sqlContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(factory.name, () => {
    const suite = dataLayerSuite(factory);
    contract(`SQL on ${factory.name}`, async () => new SqlTemporaryAccessStore((await suite.fresh()).database.db));
  });
}

contract("in-memory fake", async () => new MemoryTemporaryAccess());
sqlContract(sqliteEngine("temporary-access"));
sqlContract(postgresEngine("temporary_access"));
