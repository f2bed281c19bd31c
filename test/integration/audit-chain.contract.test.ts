/**
 * The keyed audit chain on SQLite and a throwaway PostgreSQL: two writers (instances) append
 * at once and the trail verifies; then a row is edited, deleted, inserted or two rows are
 * swapped directly in SQL, and verify names the row each time. Retention pruning leaves a
 * signed checkpoint so the rest still verifies.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { SqlAuditLog } from "../../src/adapters/sql/audit-log.js";
import { SqlAuditTrail } from "../../src/adapters/sql/audit-trail.js";
import type { Database } from "../../src/adapters/sql/index.js";
import { AuditChainWriter } from "../../src/features/audit/audit-chain.js";
import { verifyAuditTrail } from "../../src/features/audit/audit-verifier.js";
import { dataLayerSuite } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";

const key = randomBytes(32);
const day = (n: number) => new Date(Date.UTC(2025, 0, n, 12));

function auditContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(`audit chain on ${factory.name}`, () => {
    const suite = dataLayerSuite(factory);

    /** Two writers, 30 events each, appended concurrently; returns the rows' ids in insertion order. */
    async function filled(): Promise<{ database: Database; ids: number[] }> {
      const { database } = await suite.fresh();
      // As createSqlStores does: rows go one by one where the turn's writes share a commit anyway.
      const writer = () =>
        new SqlAuditLog(database.db, new AuditChainWriter(key), { batchRows: !database.groupCommit, engine: database.engine });
      const writers = [writer(), writer()];
      await Promise.all(
        writers.map((log, w) =>
          Promise.all(
            Array.from({ length: 30 }, (_, i) =>
              log.append({
                at: day(1 + Math.floor(i / 3)),
                subject: `user${i % 4}@x`,
                actor: w ? "radius" : "bot",
                action: "validate",
                outcome: i % 5 ? "ok" : "refused",
                detail: { i, w },
              }),
            ),
          ),
        ),
      );
      const ids = (await database.db.selectFrom("audit_events").select("id").orderBy("id").execute()).map((r) => Number(r.id));
      return { database, ids };
    }

    const verify = (database: Database) => verifyAuditTrail(new SqlAuditTrail(database.db), key);

    it("two writers at once: every chain verifies on its own", async () => {
      const { database } = await filled();
      const result = await verify(database);
      expect(result).toMatchObject({ rows: 60, chains: 2, breaks: [] });
      expect(result.heads.map((h) => h.seq)).toEqual([30, 30]);
    });

    it("a batch written as one statement keeps every character and every missing detail, in order", async () => {
      const { database } = await suite.fresh();
      const log = new SqlAuditLog(database.db, new AuditChainWriter(key), { engine: database.engine });
      const awkward = ['quote " and \\ backslash', "{braces},commas, NULL", "åäö ✓ \u2028", "'single' -- ;"];
      // Appended in one turn: one batch (on PostgreSQL the JSON insert, json_to_recordset).
      await Promise.all(
        awkward.map((text, i) =>
          log.append({
            at: day(1),
            subject: "odd@x",
            actor: text,
            action: "validate",
            outcome: "ok",
            detail: i % 2 ? { text } : undefined,
          }),
        ),
      );
      const events = await log.listForSubject("odd@x");
      expect(events.map((e) => e.actor)).toEqual(awkward);
      expect(events.map((e) => e.detail)).toEqual(awkward.map((text, i) => (i % 2 ? { text } : undefined)));
      expect(await verify(database)).toMatchObject({ rows: 4, chains: 1, breaks: [] });
    });

    it("a name with a lone UTF-16 surrogate (JSON allows one) is stored as U+FFFD, and its row still verifies", async () => {
      const { database } = await suite.fresh();
      const log = new SqlAuditLog(database.db, new AuditChainWriter(key), { engine: database.engine });
      const lone = "x\ud800y@x";
      await Promise.all(
        [lone, "plain@x"].map((subject) => log.append({ at: day(1), subject, actor: lone, action: "validate", outcome: "refused" })),
      );
      await log.append({ at: day(2), subject: lone, actor: "radius", action: "validate", outcome: "refused" });
      expect((await log.listForSubject("x\ufffdy@x")).map((e) => e.actor)).toEqual(["x\ufffdy@x", "radius"]);
      expect(await verify(database)).toMatchObject({ rows: 3, chains: 1, breaks: [] });
    });

    it("names an edited row", async () => {
      const { database, ids } = await filled();
      await database.db.updateTable("audit_events").set({ outcome: "error" }).where("id", "=", ids[20]!).execute();
      expect((await verify(database)).breaks[0]).toMatchObject({ rowId: ids[20], reason: expect.stringMatching(/edited/) });
      // The first broken row is named (a chain is not trusted past its first break).
      await database.db.updateTable("audit_events").set({ detail: '{"i":0}' }).where("id", "=", ids[7]!).execute();
      expect((await verify(database)).breaks[0]).toMatchObject({ rowId: ids[7], reason: expect.stringMatching(/edited/) });
    });

    it("names the row after a deleted one", async () => {
      const { database, ids } = await filled();
      const victim = await database.db
        .selectFrom("audit_events")
        .select(["chain_id", "seq"])
        .where("id", "=", ids[10]!)
        .executeTakeFirstOrThrow();
      await database.db.deleteFrom("audit_events").where("id", "=", ids[10]!).execute();
      const next = await database.db
        .selectFrom("audit_events")
        .select("id")
        .where("chain_id", "=", victim.chain_id)
        .where("seq", "=", Number(victim.seq) + 1)
        .executeTakeFirstOrThrow();
      const result = await verify(database);
      expect(result.breaks).toEqual([
        expect.objectContaining({ rowId: Number(next.id), reason: expect.stringMatching(/missing \(deleted\)/) }),
      ]);
    });

    it("names inserted rows: a forged link, a repeated place, a row without a chain", async () => {
      const { database, ids } = await filled();
      const model = await database.db.selectFrom("audit_events").selectAll().where("id", "=", ids[3]!).executeTakeFirstOrThrow();
      const { id: _id, ...copy } = model;
      // A plausible next row of the chain whose hash the forger computed without the key.
      const head = await database.db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .where("chain_id", "=", model.chain_id)
        .executeTakeFirstOrThrow();
      const forged = await database.db
        .insertInto("audit_events")
        .values({ ...copy, seq: Number(head.seq) + 1, action: "enroll.token.activated", mac: randomBytes(32).toString("base64url") })
        .returning("id")
        .executeTakeFirstOrThrow();
      const result = await verify(database);
      expect(result.breaks).toEqual([expect.objectContaining({ rowId: Number(forged.id), reason: expect.stringMatching(/forged/) })]);

      const plain = await database.db
        .insertInto("audit_events")
        .values({ ...copy, chain_id: null, seq: null, mac: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      expect((await verify(database)).breaks.map((b) => b.rowId)).toEqual([Number(forged.id), Number(plain.id)]);
    });

    it("names swapped rows", async () => {
      const { database, ids } = await filled();
      const [a, b] = await Promise.all(
        [ids[4]!, ids[9]!].map((id) => database.db.selectFrom("audit_events").selectAll().where("id", "=", id).executeTakeFirstOrThrow()),
      );
      const content = (r: typeof a) => ({
        at: r!.at,
        subject: r!.subject,
        actor: r!.actor,
        action: r!.action,
        outcome: r!.outcome,
        detail: r!.detail,
      });
      await database.db.updateTable("audit_events").set(content(b)).where("id", "=", a!.id).execute();
      await database.db.updateTable("audit_events").set(content(a)).where("id", "=", b!.id).execute();
      const result = await verify(database);
      // Whichever of the two comes first in its chain is named (a chain is not trusted past its first break).
      expect([a!.id, b!.id]).toContain(result.breaks[0]?.rowId);
    });

    it("retention prunes old rows behind a signed checkpoint; the rest still verifies; an edited checkpoint does not", async () => {
      const { database } = await filled();
      const trail = new SqlAuditTrail(database.db);
      const pruned = await trail.prune(day(5), key, day(40));
      expect(pruned).toBe(24);
      const result = await verify(database);
      expect(result).toMatchObject({ rows: 36, chains: 2, breaks: [] });
      // Pruning again later moves the checkpoint on.
      expect(await trail.prune(day(8), key, day(41))).toBe(18);
      expect((await verify(database)).breaks).toEqual([]);

      await database.db.updateTable("audit_checkpoints").set({ seq: sql`seq + 1` }).execute();
      expect((await verify(database)).breaks[0]).toMatchObject({ rowId: null, reason: expect.stringMatching(/checkpoint/) });
      await database.db.deleteFrom("audit_checkpoints").execute();
      expect((await verify(database)).breaks.map((b) => b.reason)).toEqual([
        expect.stringMatching(/missing/),
        expect.stringMatching(/missing/),
      ]);
    });
  });
}

auditContract(sqliteEngine("audit"));
auditContract(sqliteEngine("audit-gc", { groupCommit: true }));
auditContract(postgresEngine("audit"));
