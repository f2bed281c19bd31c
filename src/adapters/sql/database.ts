import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { GroupCommitSqliteDialect } from "./sqlite-group-commit.js";
import { WalCheckpointer } from "./sqlite-wal-checkpointer.js";
import { prepareReusedQueries } from "./postgres-prepared.js";
import pg from "pg";
import type { Schema } from "./schema.js";
import { ensurePrivateDir, ensurePrivateFile } from "../private-files.js";

export type { Schema } from "./schema.js";

export type Engine = "sqlite" | "postgres";

/** One open database: the Kysely instance, which engine it talks to, and how to close it. */
export interface Database {
  db: Kysely<Schema>;
  engine: Engine;
  /** SQLite with group commit: the statements of one event-loop turn already share a commit. */
  groupCommit?: boolean;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** PostgreSQL: the hot queries as named prepared statements (default true; postgres-prepared.ts). */
  preparedStatements?: boolean;
  /** SQLite busy_timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * SQLite: the writes of one event-loop turn share one commit (sqlite-group-commit.ts). For
   * the validation service, whose logins are many small writes. Not for the bot or the CLIs:
   * a batch holds SQLite's one write lock until its turn ends, and a process that takes it
   * every turn leaves other writers on the same file only the gaps between its turns.
   */
  groupCommit?: boolean;
  /**
   * SQLite: most of the WAL checkpoint work on a worker thread, not on the event loop
   * (sqlite-wal-checkpointer.ts). For the validation service, beside groupCommit. onError: the
   * worker stopped, and the service's own connection does all of it again.
   */
  backgroundCheckpoints?: { onError(error: Error): void };
}

export const SQLITE_FILE_NAME = "enrollment.sqlite";
/** The database file and the ones SQLite keeps beside it (WAL, shared memory, rollback journal). */
export const SQLITE_FILE_NAMES = [
  SQLITE_FILE_NAME,
  `${SQLITE_FILE_NAME}-wal`,
  `${SQLITE_FILE_NAME}-shm`,
  `${SQLITE_FILE_NAME}-journal`,
] as const;

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url.trim());
}

/**
 * `postgres://…` / `postgresql://…` opens a PostgreSQL pool; anything else (including
 * undefined or empty) opens the embedded SQLite file `${dataDir}/enrollment.sqlite`.
 * Does not migrate: call migrateToLatest(database.db) after.
 */
export async function openDatabase(url: string | undefined, dataDir: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (isPostgresUrl(url)) return openPostgres(url.trim(), options.poolSize ?? 10, options.preparedStatements ?? true);
  return openSqlite(dataDir, options.busyTimeoutMs ?? 5000, options.groupCommit ?? false, options.backgroundCheckpoints);
}

function openPostgres(connectionString: string, max: number, preparedStatements: boolean): Database {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would
  // crash the process. The next query gets a fresh connection (or fails, and is translated).
  pool.on("error", () => undefined);
  if (preparedStatements) pool.on("connect", prepareReusedQueries);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: "postgres", close: () => db.destroy() };
}

/**
 * Kysely prepares every query afresh; better-sqlite3 statements can be reused, and preparing
 * is most of a small query's cost. Kysely runs one query at a time on this connection and
 * reads each to the end, so one cached statement per SQL text is safe. Bounded: the
 * statements are the code's own (values are bound parameters), a few hundred at most.
 */
function withStatementCache(conn: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = conn.prepare.bind(conn);
  conn.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      if (cache.size < 1000) cache.set(source, statement);
    }
    return statement;
  }) as typeof conn.prepare;
  return conn;
}

function openSqlite(
  dataDir: string,
  busyTimeoutMs: number,
  groupCommit: boolean,
  backgroundCheckpoints: OpenDatabaseOptions["backgroundCheckpoints"],
): Database {
  // Private before SQLite opens it: its -wal and -shm files are given the database file's mode.
  ensurePrivateDir(dataDir);
  const file = join(dataDir, SQLITE_FILE_NAME);
  ensurePrivateFile(file);
  const timeoutMs = Math.max(0, Math.floor(busyTimeoutMs));
  const open = (): BetterSqlite3.Database => {
    const conn = new BetterSqlite3(file);
    conn.pragma(`busy_timeout = ${timeoutMs}`);
    conn.pragma("journal_mode = WAL");
    conn.pragma("synchronous = NORMAL");
    conn.pragma("foreign_keys = ON");
    // Freed space is zeroed: an updated row's old version (a phone number the flow no
    // longer keeps, a sealed secret) does not linger in the file's free pages.
    conn.pragma("secure_delete = ON");
    return withStatementCache(conn);
  };
  const checkpointer = backgroundCheckpoints && WalCheckpointer.start(file, backgroundCheckpoints);
  const dialect = groupCommit ? new GroupCommitSqliteDialect(open, timeoutMs) : new SqliteDialect({ database: async () => open() });
  const db = new Kysely<Schema>({ dialect });
  const close = async () => {
    await checkpointer?.stop();
    await db.destroy();
  };
  return { db, engine: "sqlite", groupCommit, close };
}
