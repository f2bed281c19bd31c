import type { Kysely, Selectable } from "kysely";
import { deserialiseCampaign, serialiseCampaign } from "../../features/reminders/campaign.js";
import type { Campaign } from "../../ports/reminders.js";
import {
  NO_CONVERSATION,
  SKIPPED_ENROLLED,
  type CampaignReport,
  type DeliverySummary,
  type ReminderStore,
  type RunRecord,
  type SnoozeRecord,
  type SnoozeResult,
} from "../../ports/reminders.js";
import type { ReminderSnoozesTable, Schema } from "./schema.js";
import { SqlReminderQueue } from "./reminder-queue.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toCount, toDbTime } from "./sql-values.js";

/** 0004_reminder_runs (typed here: only this store reads or writes it). */
interface ReminderRunsTable {
  campaign_id: string;
  record: string;
  updated_at: string;
}

/**
 * The ReminderStore over SQLite or PostgreSQL: the delivery queue (reminder-queue.ts) plus
 * campaigns, snoozes, "I can't" and the delivery report.
 */
export class SqlReminderStore extends SqlReminderQueue implements ReminderStore {
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

  async history(campaignId: string, day: string, upns: string[]): Promise<{ roundsTaken: Set<string>; plannedOnDay: Set<string> }> {
    return guard("reminder history", async () => {
      const people = upns.map((u) => u.toLowerCase());
      if (people.length === 0) return { roundsTaken: new Set(), plannedOnDay: new Set() };
      const [rounds, today] = await Promise.all([
        this.db
          .selectFrom("reminder_deliveries")
          .select(["upn", "round"])
          .where("campaign_id", "=", campaignId)
          .where("upn", "in", people)
          .execute(),
        this.db.selectFrom("reminder_deliveries").select("upn").where("day", "=", day).where("upn", "in", people).execute(),
      ]);
      return { roundsTaken: new Set(rounds.map((r) => `${r.upn}|${r.round}`)), plannedOnDay: new Set(today.map((r) => r.upn)) };
    });
  }

  async snoozes(campaignId: string, upns: string[]): Promise<Map<string, SnoozeRecord>> {
    return guard("reminder snoozes", async () => {
      const people = upns.map((u) => u.toLowerCase());
      if (people.length === 0) return new Map();
      const rows = await this.db
        .selectFrom("reminder_snoozes")
        .selectAll()
        .where("campaign_id", "=", campaignId)
        .where("upn", "in", people)
        .execute();
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
          .where((eb) =>
            eb.or([
              eb.and([eb("status", "=", "skipped"), eb("last_error", "=", SKIPPED_ENROLLED)]),
              eb.and([eb("status", "=", "failed"), eb("last_error", "=", NO_CONVERSATION)]),
            ]),
          )
          .groupBy(["status", "last_error"])
          .execute(),
        this.db
          .selectFrom("reminder_snoozes")
          .select((eb) => [
            eb.fn.sum<number>(eb.case().when("cannot_at", "is not", null).then(1).else(0).end()).as("cannot"),
            eb.fn
              .sum<number>(
                eb
                  .case()
                  .when(eb.and([eb("cannot_at", "is", null), eb("until", ">", toDbTime(now))]))
                  .then(1)
                  .else(0)
                  .end(),
              )
              .as("snoozed"),
          ])
          .where("campaign_id", "=", id)
          .executeTakeFirst(),
        this.runs().selectFrom("reminder_runs").select("record").where("campaign_id", "=", id).executeTakeFirst(),
      ]);
      const reason = (status: string, error: string) =>
        toCount(byReason.find((r) => r.status === status && r.last_error === error)?.n as number | undefined);
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
  return {
    at: new Date(raw.at),
    audience: Number(raw.audience),
    skippedEnrolled: Number(raw.skippedEnrolled),
    notReachable: Number(raw.notReachable),
  };
}

function toSnooze(row: Selectable<ReminderSnoozesTable>): SnoozeRecord {
  const record: SnoozeRecord = { campaignId: row.campaign_id, upn: row.upn, count: Number(row.count) };
  if (row.until) record.until = fromDbTime(row.until);
  if (row.last_round) record.lastRound = row.last_round;
  if (row.cannot_at) record.cannotAt = fromDbTime(row.cannot_at);
  if (row.cannot_reason) record.cannotReason = row.cannot_reason;
  return record;
}
