import { type Kysely, type Migration, sql } from "kysely";
import type { Engine } from "./database.js";

/**
 * 0003_helpdesk: helpdesk tickets (escalations) and the "Did this help?" feedback on
 * knowledge-base answers.
 */
export function helpdeskMigrations(engine: Engine): Record<string, Migration> {
  return {
    "0003_helpdesk": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable("tickets")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("subject", "text", (c) => c.notNull())
          .addColumn("user_key", "text", (c) => c.notNull())
          .addColumn("login_name", "text")
          .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('open', 'taken', 'resolved')`))
          .addColumn("taken_by", "text")
          .addColumn("resolved_by", "text")
          .addColumn("step", "text")
          .addColumn("last_error", "text")
          .addColumn("locale", "text", (c) => c.notNull())
          .addColumn("questions", "text", (c) => c.notNull())
          .addColumn("channel_message", "text")
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addColumn("resolved_at", "text")
          .execute();
        // One open (open or taken) ticket per employee: the database, not the code, guarantees it.
        await db.schema
          .createIndex("tickets_one_open_per_subject")
          .on("tickets")
          .column("subject")
          .unique()
          .where(sql.ref("status"), "in", ["open", "taken"])
          .execute();
        await db.schema.createIndex("tickets_status_created").on("tickets").columns(["status", "created_at"]).execute();
        await db.schema.createIndex("tickets_subject").on("tickets").columns(["subject", "created_at"]).execute();

        await db.schema
          .createTable("article_feedback")
          .addColumn("id", "integer", (c) =>
            engine === "postgres" ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
          )
          .addColumn("article_id", "text", (c) => c.notNull())
          .addColumn("locale", "text", (c) => c.notNull())
          .addColumn("helpful", "integer", (c) => c.notNull().check(sql`helpful in (0, 1)`))
          .addColumn("subject", "text", (c) => c.notNull())
          .addColumn("at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("article_feedback_article").on("article_feedback").column("article_id").execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        for (const table of ["article_feedback", "tickets"]) await db.schema.dropTable(table).ifExists().execute();
      },
    },
  };
}
