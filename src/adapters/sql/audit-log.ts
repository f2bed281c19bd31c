import { type Kysely, type Selectable, sql } from "kysely";
import type { AuditEvent, AuditLog } from "../../ports/stores.js";
import type { AuditChainWriter } from "../../features/audit/audit-chain.js";
import type { AuditEventsTable, Schema } from "./schema.js";
import type { Engine } from "./database.js";
import { InsertBatcher } from "./insert-batcher.js";
import { ReusedQuery } from "./reused-query.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, fromJsonText, toDbTime, toJsonText, wellFormed } from "./sql-values.js";

/**
 * Append-only audit trail. This class has no update or delete path by design; in
 * production also grant the application role only INSERT and SELECT on audit_events.
 */
export class SqlAuditLog implements AuditLog {
  // Every step and every login appends: a lone row through a query compiled once (ReusedQuery),
  // the rows of one event-loop turn, or that arrive while a write is under way, together (InsertBatcher).
  private readonly insert: ReusedQuery<AuditInsert>;
  /**
   * PostgreSQL: a batch as one prepared statement over the rows as one JSON text, not a VALUES
   * list compiled, parsed and planned per size (nor one array per column, which the pg driver
   * escapes element by element: 0.8× PostgreSQL's CPU per login against that).
   */
  private readonly insertJson?: ReusedQuery<{ rows: string }>;
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
    { batchRows = true, engine = "sqlite" }: { batchRows?: boolean; engine?: Engine } = {},
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
    if (engine === "postgres") {
      this.insertJson = new ReusedQuery(
        db,
        (q, v) => {
          const query = sql`insert into audit_events (at, subject, actor, action, outcome, detail, chain_id, seq, mac)
            select t.at, t.subject, t.actor, t.action, t.outcome, t.detail, t.chain_id, t.seq, t.mac
            from json_to_recordset(${v.rows}::json)
              as t(at text, subject text, actor text, action text, outcome text, detail text, chain_id text, seq integer, mac text)
            on conflict (chain_id, seq) do nothing`;
          return { compile: () => query.compile(q) };
        },
        ["rows"],
      );
    }
    const insertRows = async (rows: AuditInsert[]): Promise<void> => {
      if (rows.length === 1) await this.insert.run(rows[0]!);
      else if (this.insertJson) await this.insertJson.run({ rows: JSON.stringify(rows) });
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
      subject: wellFormed(subject),
      actor: wellFormed(actor),
      action: wellFormed(action),
      outcome,
      detail: event.detail === undefined ? null : toJsonText(event.detail),
    };
    // The chain's links are made in the order of the appends, which the batches keep.
    const link = this.chain?.next(content);
    // Object.assign, not a spread: see the comment in radius-server.ts's respond.
    const row = Object.assign(content, { chain_id: link?.chainId ?? null, seq: link?.seq ?? null, mac: link?.mac ?? null });
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
          .where("subject", "=", wellFormed(subject))
          .orderBy("at", "asc")
          .orderBy("id", "asc")
          .execute();
        return rows.map(toAuditEvent);
      }
      if (!Number.isInteger(limit) || limit < 0) throw new RangeError("limit must be a non-negative integer");
      const rows = await this.db
        .selectFrom("audit_events")
        .selectAll()
        .where("subject", "=", wellFormed(subject))
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
    let query = db.selectFrom("audit_events").selectAll().where("subject", "=", wellFormed(subject)).where("action", "=", action);
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
