import type { Kysely, Selectable } from "kysely";
import type { Delivery, NewDelivery } from "../../ports/reminders.js";
import type { ReminderDeliveriesTable, Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toCount, toDbTime } from "./sql-values.js";

const ENQUEUE_CHUNK = 200;

/**
 * The reminder delivery queue. Every state change is one conditional UPDATE, so two
 * instances can never both claim a row (WHERE status = 'pending' …) and a worker that lost
 * its lease cannot overwrite the new owner's outcome (WHERE claimed_by = me).
 */
export class SqlReminderQueue {
  constructor(protected readonly db: Kysely<Schema>) {}

  async enqueue(rows: NewDelivery[]): Promise<string[]> {
    return guard("reminder enqueue", async () => {
      const inserted: string[] = [];
      for (let i = 0; i < rows.length; i += ENQUEUE_CHUNK) {
        const chunk = rows.slice(i, i + ENQUEUE_CHUNK).map((r) => ({
          id: r.id,
          campaign_id: r.campaignId,
          upn: r.upn.toLowerCase(),
          login_name: r.loginName.toLowerCase(),
          user_key: r.userKey,
          round: r.round,
          day: r.day,
          status: "pending" as const,
          attempts: 0,
          not_before: toDbTime(r.createdAt),
          created_at: toDbTime(r.createdAt),
          updated_at: toDbTime(r.createdAt),
        }));
        // No conflict target: a duplicate id and a second reminder the same day are both skipped.
        const result = await this.db
          .insertInto("reminder_deliveries")
          .values(chunk)
          .onConflict((oc) => oc.doNothing())
          .returning("id")
          .execute();
        inserted.push(...result.map((r) => r.id));
      }
      return inserted;
    });
  }

  async claimable(campaignId: string, now: Date, staleBefore: Date, limit: number): Promise<Delivery[]> {
    return guard("reminder claimable", async () => {
      const rows = await this.db
        .selectFrom("reminder_deliveries")
        .selectAll()
        .where("campaign_id", "=", campaignId)
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "pending"), eb("not_before", "<=", toDbTime(now))]),
            eb.and([eb("status", "=", "sending"), eb("claimed_at", "<", toDbTime(staleBefore))]),
          ]),
        )
        .orderBy("not_before")
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    });
  }

  async claim(id: string, workerId: string, now: Date, staleBefore: Date): Promise<boolean> {
    return guard("reminder claim", async () => {
      const at = toDbTime(now);
      const result = await this.db
        .updateTable("reminder_deliveries")
        .set((eb) => ({ status: "sending", claimed_by: workerId, claimed_at: at, updated_at: at, attempts: eb("attempts", "+", 1) }))
        .where("id", "=", id)
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "pending"), eb("not_before", "<=", at)]),
            eb.and([eb("status", "=", "sending"), eb("claimed_at", "<", toDbTime(staleBefore))]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  async markSent(id: string, workerId: string, at: Date, activityId?: string): Promise<void> {
    await this.finish("reminder sent", id, workerId, {
      status: "sent",
      sent_at: toDbTime(at),
      activity_id: activityId ?? null,
      last_error: null,
      updated_at: toDbTime(at),
    });
  }

  async release(id: string, workerId: string, notBefore: Date, reason: string): Promise<void> {
    await this.finish("reminder release", id, workerId, {
      status: "pending",
      claimed_by: null,
      claimed_at: null,
      not_before: toDbTime(notBefore),
      last_error: reason,
      updated_at: toDbTime(new Date()),
    });
  }

  async markFailed(id: string, workerId: string, at: Date, reason: string): Promise<void> {
    await this.finish("reminder failed", id, workerId, { status: "failed", last_error: reason, updated_at: toDbTime(at) });
  }

  async markSkipped(id: string, workerId: string, at: Date, reason: string): Promise<void> {
    await this.finish("reminder skipped", id, workerId, { status: "skipped", last_error: reason, updated_at: toDbTime(at) });
  }

  private async finish(what: string, id: string, workerId: string, values: Partial<Selectable<ReminderDeliveriesTable>>): Promise<void> {
    await guard(what, async () => {
      // Only the current owner may finish the row (a worker whose lease ran out may not).
      await this.db
        .updateTable("reminder_deliveries")
        .set(values)
        .where("id", "=", id)
        .where("status", "=", "sending")
        .where("claimed_by", "=", workerId)
        .execute();
    });
  }

  async unfinished(campaignId: string): Promise<{ pending: number; sending: number; earliest?: Date; oldestClaim?: Date }> {
    return guard("reminder unfinished", async () => {
      const rows = await this.db
        .selectFrom("reminder_deliveries")
        .select((eb) => ["status", eb.fn.countAll().as("n"), eb.fn.min("not_before").as("earliest"), eb.fn.min("claimed_at").as("oldest")])
        .where("campaign_id", "=", campaignId)
        .where("status", "in", ["pending", "sending"])
        .groupBy("status")
        .execute();
      const out: { pending: number; sending: number; earliest?: Date; oldestClaim?: Date } = { pending: 0, sending: 0 };
      for (const row of rows) {
        if (row.status === "pending") {
          out.pending = toCount(row.n as number);
          if (row.earliest) out.earliest = fromDbTime(String(row.earliest));
        } else {
          out.sending = toCount(row.n as number);
          if (row.oldest) out.oldestClaim = fromDbTime(String(row.oldest));
        }
      }
      return out;
    });
  }
}

function toDelivery(row: Selectable<ReminderDeliveriesTable>): Delivery {
  const d: Delivery = {
    id: row.id,
    campaignId: row.campaign_id,
    upn: row.upn,
    loginName: row.login_name,
    userKey: row.user_key,
    round: row.round,
    day: row.day,
    createdAt: fromDbTime(row.created_at),
    status: row.status,
    attempts: Number(row.attempts),
    notBefore: fromDbTime(row.not_before),
  };
  if (row.claimed_by) d.claimedBy = row.claimed_by;
  if (row.claimed_at) d.claimedAt = fromDbTime(row.claimed_at);
  if (row.sent_at) d.sentAt = fromDbTime(row.sent_at);
  if (row.activity_id) d.activityId = row.activity_id;
  if (row.last_error) d.lastError = row.last_error;
  return d;
}
