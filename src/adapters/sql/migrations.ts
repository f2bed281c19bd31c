import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResult,
  Migrator,
  PostgresAdapter,
  SqliteAdapter,
  sql,
} from "kysely";
import { StorageError } from "../../features/shared/errors.js";
import type { Engine } from "./database.js";
import { helpdeskMigrations } from "./migrations-helpdesk.js";
import { keyMigrations } from "./migrations-keys.js";
import { reminderMigrations } from "./migrations-reminders.js";
import { validationMigrations } from "./migrations-validation.js";

/**
 * Versioned schema migrations, in code, shared by SQLite and PostgreSQL.
 * Never edit a released migration: add a new one with the next number.
 * The few engine differences (auto-numbered ids) are chosen from the engine argument.
 */
export function buildMigrations(engine: Engine): Record<string, Migration> {
  const all: Record<string, Migration> = {
    "0001_initial": {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable("enrollments")
          .addColumn("user_key", "text", (c) => c.primaryKey())
          .addColumn("state", "text", (c) => c.notNull())
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("tokens")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("login_name", "text", (c) => c.notNull())
          .addColumn("upn", "text", (c) => c.notNull())
          .addColumn("device_name", "text", (c) => c.notNull())
          .addColumn("secret_sealed", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'replaced', 'revoked')`))
          .addColumn("activated_at", "text", (c) => c.notNull())
          .addColumn("ended_at", "text")
          .addColumn("last_time_step", "integer", (c) => c.notNull())
          .execute();
        // At most one active token per login: the database, not the code, guarantees it.
        await db.schema
          .createIndex("tokens_one_active_per_login")
          .on("tokens")
          .column("login_name")
          .unique()
          .where(sql.ref("status"), "=", "active")
          .execute();
        await db.schema.createIndex("tokens_login_name").on("tokens").column("login_name").execute();

        await db.schema
          .createTable("rate_events")
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("rate_events_key_at").on("rate_events").columns(["key", "at"]).execute();

        await db.schema
          .createTable("audit_events")
          .addColumn("id", "integer", (c) =>
            engine === "postgres" ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
          )
          .addColumn("at", "text", (c) => c.notNull())
          .addColumn("subject", "text", (c) => c.notNull())
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("outcome", "text", (c) => c.notNull())
          .addColumn("detail", "text")
          .execute();
        await db.schema.createIndex("audit_events_subject").on("audit_events").columns(["subject", "at"]).execute();

        await db.schema
          .createTable("conversation_refs")
          .addColumn("user_key", "text", (c) => c.primaryKey())
          .addColumn("upn", "text")
          .addColumn("locale", "text", (c) => c.notNull())
          .addColumn("reference", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("conversation_refs_upn").on("conversation_refs").column("upn").execute();

        await db.schema
          .createTable("bot_state")
          .addColumn("key", "text", (c) => c.primaryKey())
          .addColumn("data", "text", (c) => c.notNull())
          .addColumn("etag", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<any>): Promise<void> {
        for (const table of ["bot_state", "conversation_refs", "audit_events", "rate_events", "tokens", "enrollments"]) {
          await db.schema.dropTable(table).ifExists().execute();
        }
      },
    },
    ...reminderMigrations(engine),
    ...helpdeskMigrations(engine),
    ...validationMigrations(engine),
    ...keyMigrations(),
  };
  // Features keep their migrations in their own files; they run in name (number) order.
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
}

export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

export function engineOf(db: Kysely<any>): Engine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return "postgres";
  if (adapter instanceof SqliteAdapter) return "sqlite";
  throw new StorageError(`unsupported SQL dialect: ${adapter.constructor.name}`);
}

/**
 * Applies every pending migration; returns the names it applied. Safe from several
 * instances at once:
 * - PostgreSQL: Kysely's migrator holds an advisory lock and re-reads the executed
 *   migrations under it, inside one transaction.
 * - SQLite: Kysely's SQLite "lock" only serialises one connection, so two processes on
 *   one file could both see a migration as pending. Here the whole run happens inside
 *   BEGIN IMMEDIATE (the file's write lock, retried asynchronously for up to 30 s), so
 *   the second instance sees what the first applied.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const engine = engineOf(db);
  const provider = new StaticMigrationProvider(buildMigrations(engine));
  if (engine === "postgres") return runMigrator(new Migrator({ db, provider }));
  // better-sqlite3 is synchronous: waiting for the write lock through busy_timeout would
  // block this process's event loop (and a second instance in the same process would
  // never get it). So take the lock without waiting and retry asynchronously.
  const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.connection().execute(async (conn) => {
        const previous = await sql<{ timeout: number }>`pragma busy_timeout`.execute(conn);
        await sql`pragma busy_timeout = 0`.execute(conn);
        try {
          await sql`begin immediate`.execute(conn);
        } finally {
          await sql.raw(`pragma busy_timeout = ${Number(previous.rows[0]?.timeout ?? 5000)}`).execute(conn);
        }
        try {
          const applied = await runMigrator(new Migrator({ db: conn, provider, disableTransactions: true }));
          await sql`commit`.execute(conn);
          return applied;
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      if (Date.now() < deadline && isSqliteBusy(error instanceof StorageError ? error.cause : error)) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(20 * attempt, 250)));
        continue;
      }
      throw error instanceof StorageError ? error : new StorageError("database migration failed", { cause: error });
    }
  }
}

const SQLITE_LOCK_WAIT_MS = 30_000;

async function runMigrator(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new StorageError(`database migration failed${describeFailed(results)}`, { cause: error });
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

function describeFailed(results: MigrationResult[] | undefined): string {
  const failed = results?.find((r) => r.status === "Error");
  return failed ? ` at ${failed.migrationName}` : "";
}
