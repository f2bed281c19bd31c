import { type Kysely, type Migration, sql } from "kysely";
import type { Engine } from "./database.js";

/**
 * 0006_validation: what the validation service (RADIUS, REST) adds: the token's last
 * accepted login, and the challenge-mode logins waiting for their second round.
 */
export function validationMigrations(engine: Engine): Record<string, Migration> {
  return {
    "0006_validation": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema.alterTable("tokens").addColumn("last_used_at", "text").execute();
        await db.schema
          .createTable("radius_challenges")
          .addColumn("state_hash", "text", (c) => c.primaryKey())
          .addColumn("login_name", "text", (c) => c.notNull())
          .addColumn("client", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("radius_challenges_expires").on("radius_challenges").column("expires_at").execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable("radius_challenges").ifExists().execute();
        await db.schema.alterTable("tokens").dropColumn("last_used_at").execute();
      },
    },
    /**
     * 0007_validation_counters: the counts a login needs, each one atomic write instead of an
     * insert and a count. The token's consecutive wrong codes and its lock live on its row;
     * request throttles are one row per key and window. On PostgreSQL that table is UNLOGGED:
     * its writes do not wait for a WAL flush, and a database crash (not a clean restart)
     * empties it, which only forgets the current minute's throttle counts.
     */
    "0007_validation_counters": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .alterTable("tokens")
          .addColumn("failed_tries", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.alterTable("tokens").addColumn("locked_until", "text").execute();
        let windows = db.schema.createTable("rate_windows");
        if (engine === "postgres") windows = windows.modifyFront(sql`unlogged`);
        await windows
          .addColumn("key", "text", (c) => c.primaryKey())
          .addColumn("window_start", "text", (c) => c.notNull())
          .addColumn("hits", "integer", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable("rate_windows").ifExists().execute();
        await db.schema.alterTable("tokens").dropColumn("locked_until").execute();
        await db.schema.alterTable("tokens").dropColumn("failed_tries").execute();
      },
    },
    /**
     * 0008_temporary_access: helpdesk-issued temporary access codes, stored only as a keyed
     * hash; at most one open (not ended) grant per login, guaranteed by the database.
     */
    "0008_temporary_access": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable("temporary_access")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("login_name", "text", (c) => c.notNull())
          .addColumn("upn", "text", (c) => c.notNull())
          .addColumn("code_hash", "text", (c) => c.notNull())
          .addColumn("issued_by", "text", (c) => c.notNull())
          .addColumn("issued_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .addColumn("reusable", "integer", (c) => c.notNull())
          .addColumn("used_at", "text")
          .addColumn("ended_at", "text")
          .addColumn("failed_tries", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex("temporary_access_one_open_per_login")
          .on("temporary_access")
          .column("login_name")
          .unique()
          .where(sql.ref("ended_at"), "is", null)
          .execute();
        await db.schema.createIndex("temporary_access_login").on("temporary_access").columns(["login_name", "issued_at"]).execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable("temporary_access").ifExists().execute();
      },
    },
    /** 0009_employee_notices: what the validation service tells employees through the bot (token locked). */
    "0009_employee_notices": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable("employee_notices")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("upn", "text", (c) => c.notNull())
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("params", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("claimed_until", "text")
          .addColumn("done_at", "text")
          .execute();
        await db.schema.createIndex("employee_notices_pending").on("employee_notices").columns(["done_at", "created_at"]).execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable("employee_notices").ifExists().execute();
      },
    },
    /**
     * 0012_tokens_fillfactor (PostgreSQL; nothing on SQLite): every login updates its token row
     * twice (the try, then the accepted step). With room left on each page the new row version
     * stays on the same page and no index is touched (a HOT update); on full pages about half of
     * them were not (bench:radius: 55 % HOT before, 85 % after, PostgreSQL's CPU per login 0.94×).
     * Applies to pages written from now on.
     */
    "0012_tokens_fillfactor": {
      async up(db: Kysely<any>): Promise<void> {
        if (engine === "postgres") await sql`alter table tokens set (fillfactor = 70)`.execute(db);
      },
      async down(db: Kysely<any>): Promise<void> {
        if (engine === "postgres") await sql`alter table tokens reset (fillfactor)`.execute(db);
      },
    },
  };
}
