/**
 * The challenge-mode store on SQLite and a throwaway PostgreSQL, and its in-memory fake under
 * the same contract: a State is answered once (of two concurrent answers one gets it), an
 * expired one never, and pruning drops only the expired.
 */
import { describe, expect, it } from "vitest";
import { SqlLoginChallengeStore } from "../../src/adapters/sql/login-challenge-store.js";
import type { LoginChallengeStore } from "../../src/ports/login-challenges.js";
import { at, dataLayerSuite } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";
import { MemoryChallenges } from "../unit/fakes.js";

function challengeContract(name: string, open: () => Promise<LoginChallengeStore>): void {
  describe(`login challenge store: ${name}`, () => {
    it("answers a State once, never an expired one, and prunes only the expired", async () => {
      const store = await open();
      await store.create({ stateHash: "h1", loginName: "alexw", client: "ns1", expiresAt: at(120) });
      await store.create({ stateHash: "h2", loginName: "alexw", client: "ns1", expiresAt: at(120) });
      await store.create({ stateHash: "h3", loginName: "meganb", client: "ns2", expiresAt: at(30) });
      const answers = await Promise.all([store.consume("h1", at(10)), store.consume("h1", at(10))]);
      expect(answers.filter((a) => a !== null)).toEqual([{ loginName: "alexw", client: "ns1", expiresAt: at(120) }]);
      expect(await store.consume("h1", at(11))).toBeNull();
      expect(await store.consume("unknown", at(10))).toBeNull();
      expect(await store.prune(at(60))).toBe(1);
      expect(await store.consume("h3", at(20))).toBeNull();
      expect(await store.consume("h2", at(121))).toBeNull();
    });
  });
}

function sqlContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(factory.name, () => {
    const suite = dataLayerSuite(factory);
    challengeContract(factory.name, async () => new SqlLoginChallengeStore((await suite.fresh()).database.db));
  });
}

sqlContract(sqliteEngine("challenges"));
sqlContract(postgresEngine("challenges"));
challengeContract("in-memory fake", async () => new MemoryChallenges());
