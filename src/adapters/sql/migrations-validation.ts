import type { Kysely, Migration } from "kysely";

/**
 * 0006_validation: what the validation service (RADIUS, REST) adds: the token's last
 * accepted login, and the challenge-mode logins waiting for their second round.
 */
export function validationMigrations(): Record<string, Migration> {
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
  };
}
