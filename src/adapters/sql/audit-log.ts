import type { Insertable, Kysely, Selectable } from "kysely";
import type { AuditEvent, AuditLog } from "../../ports/stores.js";
import type { AuditEventsTable, Schema } from "./schema.js";
import { InsertBatcher } from "./insert-batcher.js";
import { ReusedQuery } from "./reused-query.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, fromJsonText, toDbTime, toJsonText } from "./sql-values.js";

type AuditRow = Required<Omit<Insertable<AuditEventsTable>, "id">>;

/**
 * Append-only audit trail. This class has no update or delete path by design; in
 * production also grant the application role only INSERT and SELECT on audit_events.
 */
export class SqlAuditLog implements AuditLog {
  // Every step and every login appends: a lone row through a query compiled once (ReusedQuery),
  // rows that arrive while a write is under way together in the next one (InsertBatcher).
  private readonly insert: ReusedQuery<AuditRow>;
  private readonly batcher: InsertBatcher<AuditRow>;

  constructor(private readonly db: Kysely<Schema>) {
    this.insert = new ReusedQuery(db, (q, v) => q.insertInto("audit_events").values(v), ["at", "subject", "actor", "action", "outcome", "detail"]);
    this.batcher = new InsertBatcher(async (rows) => {
      if (rows.length === 1) await this.insert.run(rows[0]!);
      else await this.db.insertInto("audit_events").values(rows).execute();
    });
  }

  async append(event: AuditEvent): Promise<void> {
    const { subject, actor, action, outcome } = event;
    const row: AuditRow = { at: toDbTime(event.at), subject, actor, action, outcome, detail: event.detail === undefined ? null : toJsonText(event.detail) };
    await guard("audit append", () => this.batcher.add(row));
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

export async function latestAuditEvent(db: Kysely<Schema>, subject: string, action: string, outcome?: AuditEvent["outcome"]): Promise<AuditEvent | null> {
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
