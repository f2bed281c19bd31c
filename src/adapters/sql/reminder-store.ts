import type { Kysely, Selectable } from "kysely";
import { deserialiseCampaign, serialiseCampaign, type Campaign } from "../../domain/reminders/campaign.js";
import {
  NO_CONVERSATION,
  SKIPPED_ENROLLED,
  type CampaignReport,
  type Delivery,
  type DeliverySummary,
  type NewDelivery,
  type ReminderStore,
  type RunRecord,
  type SnoozeRecord,
  type SnoozeResult,
} from "../../domain/reminders/ports.js";
import type { ReminderDeliveriesTable, ReminderSnoozesTable, Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toCount, toDbTime } from "./sql-values.js";

const ENQUEUE_CHUNK = 200;

/** 0004_reminder_runs (typed here: only this store reads or writes it). */
interface ReminderRunsTable {
  campaign_id: string;
  record: string;
  updated_at: string;
}

/**
 * The reminder queue over SQLite or PostgreSQL. Every state change is one conditional
 * UPDATE, so two instances can never both claim a row (WHERE status = 'pending' …) and a
 * worker that lost its lease cannot overwrite the new owner's outcome (WHERE claimed_by = me).
 */
export class SqlReminderStore implements ReminderStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async saveCampaign(campaign: Campaign, at: Date): Promise<void> {
    await guard("reminder campaign save", async () => {
      const values = { definition: serialiseCampaign(campaign), updated_at: toDbTime(at) };
      await this.db
        .insertInto("reminder_campaigns")
        .values({ id: campaign.id, ...values })
        .onConflict((oc) => oc.column("id").doUpdateSet(values))
        .execute();
    });
  }

  async getCampaign(id: string): Promise<Campaign | null> {
    return guard("reminder campaign get", async () => {
      const row = await this.db.selectFrom("reminder_campaigns").select("definition").where("id", "=", id).executeTakeFirst();
      return row ? deserialiseCampaign(row.definition) : null;
    });
  }

  async history(campaignId: string, day: string): Promise<{ roundsTaken: Set<string>; plannedOnDay: Set<string> }> {
    return guard("reminder history", async () => {
      const [rounds, today] = await Promise.all([
        this.db.selectFrom("reminder_deliveries").select(["upn", "round"]).where("campaign_id", "=", campaignId).execute(),
        this.db.selectFrom("reminder_deliveries").select("upn").where("day", "=", day).execute(),
      ]);
      return { roundsTaken: new Set(rounds.map((r) => `${r.upn}|${r.round}`)), plannedOnDay: new Set(today.map((r) => r.upn)) };
    });
  }

  async snoozes(campaignId: string): Promise<Map<string, SnoozeRecord>> {
    return guard("reminder snoozes", async () => {
      const rows = await this.db.selectFrom("reminder_snoozes").selectAll().where("campaign_id", "=", campaignId).execute();
      return new Map(rows.map((r) => [r.upn, toSnooze(r)]));
    });
  }

  async getSnooze(campaignId: string, upn: string): Promise<SnoozeRecord | null> {
    return guard("reminder snooze get", async () => {
      const row = await this.db
        .selectFrom("reminder_snoozes")
        .selectAll()
        .where("campaign_id", "=", campaignId)
        .where("upn", "=", upn.toLowerCase())
        .executeTakeFirst();
      return row ? toSnooze(row) : null;
    });
  }

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
        const result = await this.db.insertInto("reminder_deliveries").values(chunk).onConflict((oc) => oc.doNothing()).returning("id").execute();
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
    await this.finish("reminder sent", id, workerId, { status: "sent", sent_at: toDbTime(at), activity_id: activityId ?? null, last_error: null, updated_at: toDbTime(at) });
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

  async summary(campaignId: string): Promise<DeliverySummary> {
    return guard("reminder summary", async () => {
      const rows = await this.db
        .selectFrom("reminder_deliveries")
        .select((eb) => ["status", eb.fn.countAll().as("n")])
        .where("campaign_id", "=", campaignId)
        .groupBy("status")
        .execute();
      const out: DeliverySummary = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
      for (const row of rows) out[row.status] = toCount(row.n as number);
      return out;
    });
  }

  async listCampaigns(): Promise<Campaign[]> {
    return guard("reminder campaigns", async () => {
      const rows = await this.db.selectFrom("reminder_campaigns").select("definition").orderBy("id").execute();
      return rows.map((r) => deserialiseCampaign(r.definition));
    });
  }

  async recordRun(campaignId: string, run: RunRecord): Promise<void> {
    await guard("reminder run record", async () => {
      const values = { record: JSON.stringify({ ...run, at: run.at.toISOString() }), updated_at: toDbTime(run.at) };
      await this.runs()
        .insertInto("reminder_runs")
        .values({ campaign_id: campaignId, ...values })
        .onConflict((oc) => oc.column("campaign_id").doUpdateSet(values))
        .execute();
    });
  }

  async report(campaign: Campaign, now: Date): Promise<CampaignReport> {
    const id = campaign.id;
    return guard("reminder report", async () => {
      const [byStatus, byReason, people, run] = await Promise.all([
        this.summary(id),
        this.db
          .selectFrom("reminder_deliveries")
          .select((eb) => ["status", "last_error", eb.fn.countAll().as("n")])
          .where("campaign_id", "=", id)
          .where((eb) => eb.or([eb.and([eb("status", "=", "skipped"), eb("last_error", "=", SKIPPED_ENROLLED)]), eb.and([eb("status", "=", "failed"), eb("last_error", "=", NO_CONVERSATION)])]))
          .groupBy(["status", "last_error"])
          .execute(),
        this.db
          .selectFrom("reminder_snoozes")
          .select((eb) => [
            eb.fn.sum<number>(eb.case().when("cannot_at", "is not", null).then(1).else(0).end()).as("cannot"),
            eb.fn.sum<number>(eb.case().when(eb.and([eb("cannot_at", "is", null), eb("until", ">", toDbTime(now))])).then(1).else(0).end()).as("snoozed"),
          ])
          .where("campaign_id", "=", id)
          .executeTakeFirst(),
        this.runs().selectFrom("reminder_runs").select("record").where("campaign_id", "=", id).executeTakeFirst(),
      ]);
      const reason = (status: string, error: string) => toCount(byReason.find((r) => r.status === status && r.last_error === error)?.n as number | undefined);
      const notReachableRows = reason("failed", NO_CONVERSATION);
      const lastRun = run ? parseRun(run.record) : undefined;
      const report: CampaignReport = {
        campaignId: id,
        deadline: campaign.deadline,
        timeZone: campaign.window.timeZone,
        planned: byStatus.pending + byStatus.sending + byStatus.sent + byStatus.failed + byStatus.skipped,
        inProgress: byStatus.pending + byStatus.sending,
        sent: byStatus.sent,
        failed: byStatus.failed - notReachableRows,
        skippedEnrolled: lastRun?.skippedEnrolled ?? reason("skipped", SKIPPED_ENROLLED),
        notReachable: lastRun?.notReachable ?? notReachableRows,
        snoozed: toCount(people?.snoozed),
        cannot: toCount(people?.cannot),
      };
      if (lastRun) report.lastRun = lastRun;
      return report;
    });
  }

  private runs(): Kysely<Schema & { reminder_runs: ReminderRunsTable }> {
    return this.db.withTables<{ reminder_runs: ReminderRunsTable }>();
  }

  async snooze(campaignId: string, upn: string, round: string, until: Date, maxSnoozes: number, at: Date): Promise<SnoozeResult> {
    const key = upn.toLowerCase();
    return guard("reminder snooze", async () => {
      await this.db
        .insertInto("reminder_snoozes")
        .values({ campaign_id: campaignId, upn: key, count: 0, updated_at: toDbTime(at) })
        .onConflict((oc) => oc.columns(["campaign_id", "upn"]).doNothing())
        .execute();
      // One conditional UPDATE: the limit holds even when two presses race on two instances.
      const result = await this.db
        .updateTable("reminder_snoozes")
        .set((eb) => ({ count: eb("count", "+", 1), until: toDbTime(until), last_round: round, updated_at: toDbTime(at) }))
        .where("campaign_id", "=", campaignId)
        .where("upn", "=", key)
        .where("count", "<", maxSnoozes)
        .where((eb) => eb.or([eb("last_round", "is", null), eb("last_round", "<>", round)]))
        .executeTakeFirst();
      const record = await this.getSnooze(campaignId, key);
      if (Number(result.numUpdatedRows) === 1 && record) return { ok: true, record };
      return { ok: false, reason: record && record.lastRound === round ? "alreadySnoozed" : "limitReached", record };
    });
  }

  async recordCannot(campaignId: string, upn: string, reason: string, at: Date): Promise<void> {
    const key = upn.toLowerCase();
    await guard("reminder cannot", async () => {
      const values = { cannot_at: toDbTime(at), cannot_reason: reason.slice(0, 1000), updated_at: toDbTime(at) };
      await this.db
        .insertInto("reminder_snoozes")
        .values({ campaign_id: campaignId, upn: key, count: 0, ...values })
        .onConflict((oc) => oc.columns(["campaign_id", "upn"]).doUpdateSet(values))
        .execute();
    });
  }
}

function parseRun(text: string): RunRecord {
  const raw = JSON.parse(text) as Omit<RunRecord, "at"> & { at: string };
  return { at: new Date(raw.at), audience: Number(raw.audience), skippedEnrolled: Number(raw.skippedEnrolled), notReachable: Number(raw.notReachable) };
}

function toSnooze(row: Selectable<ReminderSnoozesTable>): SnoozeRecord {
  const record: SnoozeRecord = { campaignId: row.campaign_id, upn: row.upn, count: Number(row.count) };
  if (row.until) record.until = fromDbTime(row.until);
  if (row.last_round) record.lastRound = row.last_round;
  if (row.cannot_at) record.cannotAt = fromDbTime(row.cannot_at);
  if (row.cannot_reason) record.cannotReason = row.cannot_reason;
  return record;
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

