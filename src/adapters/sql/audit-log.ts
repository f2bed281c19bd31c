import type { Kysely, Selectable } from "kysely";
import type { AuditEvent, AuditLog } from "../../ports/stores.js";
import type { AuditChainWriter } from "../../features/audit/audit-chain.js";
import type { AuditEventsTable, Schema } from "./schema.js";
import { InsertBatcher } from "./insert-batcher.js";
import { ReusedQuery } from "./reused-query.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, fromJsonText, toDbTime, toJsonText } from "./sql-values.js";

/**
 * Append-only audit trail. This class has no update or delete path by design; in
 * production also grant the application role only INSERT and SELECT on audit_events.
 */
export class SqlAuditLog implements AuditLog {
  // Every step and every login appends: a lone row through a query compiled once (ReusedQuery),
  // rows that arrive while a write is under way together in the next one (InsertBatcher).
  private readonly insert: ReusedQuery<AuditInsert>;
  private readonly batcher?: InsertBatcher<AuditInsert>;
  /** Not a method: the class's prototype shows only appends and reads (the contract test checks). */
  private readonly write: (rows: AuditInsert[]) => Promise<void>;

  /**
   * With `chain`, every row carries its place in this writer's keyed hash chain (tamper-evident).
   * `batchRows: false` where the database already groups the writes of a turn into one commit
   * (SQLite with group commit): there a row waiting for the write under way would only wait a
   * turn longer for a commit it could have shared.
   */
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly chain?: AuditChainWriter,
    { batchRows = true }: { batchRows?: boolean } = {},
  ) {
    this.insert = new ReusedQuery(
      db,
      (q, v) =>
        q
          .insertInto("audit_events")
          .values({
            at: v.at,
            subject: v.subject,
            actor: v.actor,
            action: v.action,
            outcome: v.outcome,
            detail: v.detail,
            chain_id: v.chain_id,
            seq: v.seq,
            mac: v.mac,
          })
          // A retried insert of a row that did get stored changes nothing.
          .onConflict((c) => c.columns(["chain_id", "seq"]).doNothing()),
      ["at", "subject", "actor", "action", "outcome", "detail", "chain_id", "seq", "mac"],
    );
    const insertRows = async (rows: AuditInsert[]): Promise<void> => {
      if (rows.length === 1) await this.insert.run(rows[0]!);
      else
        await db
          .insertInto("audit_events")
          .values(rows)
          .onConflict((c) => c.columns(["chain_id", "seq"]).doNothing())
          .execute();
    };
    // Once more after a failure (a passing one); if that fails too, this chain's place stays unknown.
    this.write = async (rows) => {
      try {
        await insertRows(rows);
      } catch {
        await insertRows(rows).catch((error: unknown) => {
          this.chain?.restart();
          throw error;
        });
      }
    };
    if (batchRows) this.batcher = new InsertBatcher(this.write);
  }

  async append(event: AuditEvent): Promise<void> {
    const { subject, actor, action, outcome } = event;
    const content = {
      at: toDbTime(event.at),
      subject,
      actor,
      action,
      outcome,
      detail: event.detail === undefined ? null : toJsonText(event.detail),
    };
    // The chain's links are made in the order of the appends, which the batches keep.
    const link = this.chain?.next(content);
    const row = { ...content, chain_id: link?.chainId ?? null, seq: link?.seq ?? null, mac: link?.mac ?? null };
    await guard("audit append", () => (this.batcher ? this.batcher.add(row) : this.write([row])));
  }

  latestOf(subject: string, action: string, outcome?: AuditEvent["outcome"]): Promise<AuditEvent | null> {
    return latestAuditEvent(this.db, subject, action, outcome);
  }

  /**
   * Oldest first (by time, then by insertion). With `limit`, the most recent `limit`
   * events, still oldest first.
   */
  async listForSubject(subject: string, limit?: number): Promise<AuditEvent[]> {
    return guard("audit list", async () => {
      if (limit === undefined) {
        const rows = await this.db
          .selectFrom("audit_events")
          .selectAll()
          .where("subject", "=", subject)
          .orderBy("at", "asc")
          .orderBy("id", "asc")
          .execute();
        return rows.map(toAuditEvent);
      }
      if (!Number.isInteger(limit) || limit < 0) throw new RangeError("limit must be a non-negative integer");
      const rows = await this.db
        .selectFrom("audit_events")
        .selectAll()
        .where("subject", "=", subject)
        .orderBy("at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.reverse().map(toAuditEvent);
    });
  }
}

type AuditInsert = Omit<AuditEventsTable, "id">;

export async function latestAuditEvent(
  db: Kysely<Schema>,
  subject: string,
  action: string,
  outcome?: AuditEvent["outcome"],
): Promise<AuditEvent | null> {
  return guard("audit latest", async () => {
    let query = db.selectFrom("audit_events").selectAll().where("subject", "=", subject).where("action", "=", action);
    if (outcome) query = query.where("outcome", "=", outcome);
    const row = await query.orderBy("at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
    return row ? toAuditEvent(row) : null;
  });
}

function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  const event: AuditEvent = {
    at: fromDbTime(row.at),
    subject: row.subject,
    actor: row.actor,
    action: row.action,
    outcome: row.outcome,
  };
  if (row.detail !== null) event.detail = fromJsonText<Record<string, string | number | boolean>>(row.detail);
  return event;
}
