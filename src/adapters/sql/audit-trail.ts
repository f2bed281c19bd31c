import type { Kysely, Selectable } from "kysely";
import { checkpointSignature } from "../../features/audit/audit-chain.js";
import type { StoredAuditRow, StoredCheckpoint } from "../../features/audit/audit-verifier.js";
import type { AuditTrailReader } from "../../ports/audit-trail.js";
import type { AuditEventsTable, Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { toDbTime } from "./sql-values.js";

const PAGE = 2_000;

/**
 * The whole audit trail, for `npm run audit` (verify, export, prune): read in pages, never
 * all at once. Pruning is the only delete, and it leaves a signed checkpoint per chain.
 */
export class SqlAuditTrail implements AuditTrailReader {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Chained rows ordered by chain then place (keyset pages). */
  async *chainedRows(): AsyncGenerator<StoredAuditRow> {
    let after: { chain: string; seq: number } | null = null;
    for (;;) {
      const cursor: { chain: string; seq: number } | null = after;
      const rows = await guard("audit trail read", () => {
        let query = this.db.selectFrom("audit_events").selectAll().where("chain_id", "is not", null);
        if (cursor)
          query = query.where((eb) =>
            eb.or([eb("chain_id", ">", cursor.chain), eb.and([eb("chain_id", "=", cursor.chain), eb("seq", ">", cursor.seq)])]),
          );
        return query.orderBy("chain_id").orderBy("seq").limit(PAGE).execute();
      });
      for (const row of rows) yield toStoredRow(row);
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      after = { chain: last.chain_id!, seq: Number(last.seq) };
    }
  }

  /** Ids of rows without a chain, and the id of the first chained row (null: none yet). */
  async unchained(): Promise<{ ids: number[]; firstChainedId: number | null }> {
    return guard("audit trail unchained", async () => {
      const ids = (await this.db.selectFrom("audit_events").select("id").where("chain_id", "is", null).orderBy("id").execute()).map((r) =>
        Number(r.id),
      );
      const first = await this.db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.min("id").as("id"))
        .where("chain_id", "is not", null)
        .executeTakeFirst();
      return { ids, firstChainedId: first?.id == null ? null : Number(first.id) };
    });
  }

  async checkpoints(): Promise<Map<string, StoredCheckpoint>> {
    return guard("audit checkpoints", async () => {
      const rows = await this.db.selectFrom("audit_checkpoints").selectAll().execute();
      return new Map(
        rows.map((r) => [
          r.chain_id,
          { chainId: r.chain_id, seq: Number(r.seq), mac: r.mac, prunedAt: r.pruned_at, signature: r.signature },
        ]),
      );
    });
  }

  /** Rows at or after `since` (all without), in insertion order. */
  async *rowsSince(since?: Date): AsyncGenerator<Selectable<AuditEventsTable>> {
    let after = 0;
    for (;;) {
      const from = after;
      const rows = await guard("audit export", () => {
        let query = this.db.selectFrom("audit_events").selectAll().where("id", ">", from);
        if (since) query = query.where("at", ">=", toDbTime(since));
        return query.orderBy("id").limit(PAGE).execute();
      });
      yield* rows;
      if (rows.length < PAGE) return;
      after = Number(rows[rows.length - 1]!.id);
    }
  }

  /**
   * Deletes rows older than `before`, per chain up to its newest old row, and records (or
   * moves) that chain's signed checkpoint in the same transaction. Returns how many rows went.
   */
  async prune(before: Date, key: Buffer, now: Date): Promise<number> {
    return guard("audit prune", () =>
      this.db.transaction().execute(async (trx) => {
        const cutoffs = await trx
          .selectFrom("audit_events")
          .select(["chain_id", (eb) => eb.fn.max("seq").as("seq")])
          .where("chain_id", "is not", null)
          .where("at", "<", toDbTime(before))
          .groupBy("chain_id")
          .execute();
        let deleted = 0;
        for (const { chain_id, seq } of cutoffs) {
          const chainId = chain_id!;
          const last = await trx
            .selectFrom("audit_events")
            .select("mac")
            .where("chain_id", "=", chainId)
            .where("seq", "=", Number(seq))
            .executeTakeFirstOrThrow();
          const prunedAt = toDbTime(now);
          const checkpoint = {
            chain_id: chainId,
            seq: Number(seq),
            mac: last.mac!,
            pruned_at: prunedAt,
            signature: checkpointSignature(key, chainId, Number(seq), last.mac!, prunedAt),
          };
          await trx
            .insertInto("audit_checkpoints")
            .values(checkpoint)
            .onConflict((c) =>
              c
                .column("chain_id")
                .doUpdateSet({ seq: checkpoint.seq, mac: checkpoint.mac, pruned_at: prunedAt, signature: checkpoint.signature }),
            )
            .execute();
          const result = await trx
            .deleteFrom("audit_events")
            .where("chain_id", "=", chainId)
            .where("seq", "<=", Number(seq))
            .executeTakeFirst();
          deleted += Number(result.numDeletedRows);
        }
        // Rows from before the chain existed carry nothing to check: they simply go.
        const legacy = await trx
          .deleteFrom("audit_events")
          .where("chain_id", "is", null)
          .where("at", "<", toDbTime(before))
          .executeTakeFirst();
        return deleted + Number(legacy.numDeletedRows);
      }),
    );
  }
}

function toStoredRow(row: Selectable<AuditEventsTable>): StoredAuditRow {
  return {
    id: Number(row.id),
    chainId: row.chain_id!,
    seq: Number(row.seq),
    mac: row.mac!,
    at: row.at,
    subject: row.subject,
    actor: row.actor,
    action: row.action,
    outcome: row.outcome,
    detail: row.detail,
  };
}
