import type { Kysely, Selectable } from "kysely";
import type { AuditEvent, AuditLog } from "../../ports/stores.js";
import type { AuditEventsTable, Schema } from "./schema.js";
import { ReusedQuery } from "./reused-query.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, fromJsonText, toDbTime, toJsonText } from "./sql-values.js";

/**
 * Append-only audit trail. This class has no update or delete path by design; in
 * production also grant the application role only INSERT and SELECT on audit_events.
 */
export class SqlAuditLog implements AuditLog {
  // Every step and every login appends: compiled once (ReusedQuery).
  private readonly insert: ReusedQuery<{ at: string; subject: string; actor: string; action: string; outcome: AuditEvent["outcome"]; detail: string | null }>;

  constructor(private readonly db: Kysely<Schema>) {
    this.insert = new ReusedQuery(
      db,
      (q, v) => q.insertInto("audit_events").values({ at: v.at, subject: v.subject, actor: v.actor, action: v.action, outcome: v.outcome, detail: v.detail }),
      ["at", "subject", "actor", "action", "outcome", "detail"],
    );
  }

  async append(event: AuditEvent): Promise<void> {
    await guard("audit append", async () => {
      const { subject, actor, action, outcome } = event;
      await this.insert.run({ at: toDbTime(event.at), subject, actor, action, outcome, detail: event.detail === undefined ? null : toJsonText(event.detail) });
    });
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
