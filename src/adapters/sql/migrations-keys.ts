import { type Kysely, type Migration, sql } from "kysely";

/**
 * 0010_data_keys: envelope encryption. Data keys (and the one MAC root key) are stored
 * only wrapped by a key encryption key the database does not hold (Key Vault, or
 * ENCRYPTION_KEY / the local key file).
 * 0011_audit_chain: each audit row's place in its writer's chain (chain id, sequence
 * number) and its keyed hash; a signed checkpoint per chain once retention pruned its start.
 */
export function keyMigrations(): Record<string, Migration> {
  return {
    "0010_data_keys": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable("data_keys")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('data', 'mac')`))
          .addColumn("kek_id", "text", (c) => c.notNull())
          .addColumn("wrapped", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("data_keys_purpose_created").on("data_keys").columns(["purpose", "created_at"]).execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable("data_keys").ifExists().execute();
      },
    },
    "0011_audit_chain": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema.alterTable("audit_events").addColumn("chain_id", "text").execute();
        await db.schema.alterTable("audit_events").addColumn("seq", "integer").execute();
        await db.schema.alterTable("audit_events").addColumn("mac", "text").execute();
        // One row per place in a chain: a retried insert of the same row changes nothing.
        await db.schema.createIndex("audit_events_chain_seq").on("audit_events").columns(["chain_id", "seq"]).unique().execute();
        await db.schema
          .createTable("audit_checkpoints")
          .addColumn("chain_id", "text", (c) => c.primaryKey())
          .addColumn("seq", "integer", (c) => c.notNull())
          .addColumn("mac", "text", (c) => c.notNull())
          .addColumn("pruned_at", "text", (c) => c.notNull())
          .addColumn("signature", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable("audit_checkpoints").ifExists().execute();
        await db.schema.dropIndex("audit_events_chain_seq").ifExists().execute();
        for (const column of ["mac", "seq", "chain_id"]) await db.schema.alterTable("audit_events").dropColumn(column).execute();
      },
    },
  };
}
