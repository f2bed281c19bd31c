import { type Kysely, type Migration, sql } from "kysely";
import type { Engine } from "./database.js";

/**
 * 0002_reminders: reminder campaigns, their deliveries (the send queue, one row per person
 * and round, claimed with a conditional UPDATE) and snoozes.
 * 0004_reminder_runs: what the last run of each campaign saw of its audience (delivery report).
 * 0005_reminder_sender_lease: who may send right now (one sender at a time across instances,
 * so that together they stay within Teams' 50 requests/s): one row, its holder and expiry.
 */
export function reminderMigrations(_engine: Engine): Record<string, Migration> {
  return {
    "0002_reminders": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable("reminder_campaigns")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("definition", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("reminder_deliveries")
          // `${campaign}|${upn}|${round}`: the idempotency key.
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("campaign_id", "text", (c) => c.notNull())
          .addColumn("upn", "text", (c) => c.notNull())
          .addColumn("login_name", "text", (c) => c.notNull())
          .addColumn("user_key", "text", (c) => c.notNull())
          .addColumn("round", "text", (c) => c.notNull())
          .addColumn("day", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed', 'skipped')`))
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("claimed_by", "text")
          .addColumn("claimed_at", "text")
          .addColumn("not_before", "text", (c) => c.notNull())
          .addColumn("sent_at", "text")
          .addColumn("activity_id", "text")
          .addColumn("last_error", "text")
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .execute();
        // One reminder a person a day across all campaigns: the database guarantees it.
        await db.schema.createIndex("reminder_deliveries_one_per_day").on("reminder_deliveries").columns(["upn", "day"]).unique().execute();
        await db.schema
          .createIndex("reminder_deliveries_queue")
          .on("reminder_deliveries")
          .columns(["campaign_id", "status", "not_before"])
          .execute();

        await db.schema
          .createTable("reminder_snoozes")
          .addColumn("campaign_id", "text", (c) => c.notNull())
          .addColumn("upn", "text", (c) => c.notNull())
          .addColumn("count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("until", "text")
          .addColumn("last_round", "text")
          .addColumn("cannot_at", "text")
          .addColumn("cannot_reason", "text")
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("reminder_snoozes_pk", ["campaign_id", "upn"])
          .execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        for (const table of ["reminder_snoozes", "reminder_deliveries", "reminder_campaigns"]) {
          await db.schema.dropTable(table).ifExists().execute();
        }
      },
    },
    "0004_reminder_runs": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable("reminder_runs")
          .addColumn("campaign_id", "text", (c) => c.primaryKey())
          // RunRecord as JSON: { at, audience, skippedEnrolled, notReachable }.
          .addColumn("record", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable("reminder_runs").ifExists().execute();
      },
    },
    "0005_reminder_sender_lease": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable("reminder_sender_lease")
          // Always "reminder-sender": the table holds one row (written by the first acquire).
          .addColumn("name", "text", (c) => c.primaryKey())
          // Null: free (released).
          .addColumn("holder", "text")
          // ISO-8601 UTC, like every time column: free once it is past.
          .addColumn("expires_at", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable("reminder_sender_lease").ifExists().execute();
      },
    },
  };
}
