import type BetterSqlite3 from "better-sqlite3";
import { type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, SqliteDialect } from "kysely";

/**
 * Kysely's SQLite dialect with group commit. On SQLite every statement outside a
 * transaction is a commit of its own, and a commit (WAL frames, the wal-index, each page
 * written whole) costs more than the statement: a RADIUS login is four of them. Here the
 * writes that arrive within one turn of the event loop share one transaction: the first
 * write takes the write lock (BEGIN IMMEDIATE), the check phase of the same turn commits,
 * and only then does any statement in it report back. So nothing is answered on the
 * strength of a write that is not committed; a failed commit fails every statement in it
 * (each caller sees the error, as if its statement had failed alone).
 *
 * A read while no batch is open runs at once; a read while one is open reports after the
 * commit (it may have seen the batch's writes). Kysely transactions, and the migrations'
 * own BEGIN, commit the batch first and then have the connection to themselves: plain
 * statements wait for them. better-sqlite3 is synchronous, so a plain statement needs no
 * lock of its own.
 *
 * The write lock is waited for without blocking the event loop (a few milliseconds' pauses,
 * up to the busy timeout): another process, or another connection of this one, holding it
 * commits on its own event loop, which a blocking wait here could starve.
 */
export class GroupCommitSqliteDialect extends SqliteDialect {
  constructor(
    private readonly open: () => BetterSqlite3.Database,
    private readonly busyTimeoutMs: number,
  ) {
    super({ database: async () => open() });
  }

  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.open, this.busyTimeoutMs);
  }
}

interface Batch {
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

const TRANSACTION_CONTROL = /^\s*(begin|commit|end|rollback)\b/i;
const LONGEST_PAUSE_MS = 20;

class GroupCommitSqliteDriver implements Driver {
  private conn?: BetterSqlite3.Database;
  private batch: Batch | null = null;
  /** The batch while its write lock is being waited for: later statements join it. */
  private opening: Promise<Batch> | null = null;
  /** A transaction in progress: its connection, and a promise settled when it ends. */
  private exclusive: { connection: DatabaseConnection; ended: Promise<void>; end: () => void } | null = null;

  constructor(
    private readonly open: () => BetterSqlite3.Database,
    private readonly busyTimeoutMs: number,
  ) {}

  async init(): Promise<void> {
    this.conn = this.open();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GroupCommitConnection(this);
  }

  async releaseConnection(): Promise<void> {}

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.begin(connection);
  }

  async commitTransaction(): Promise<void> {
    this.finish("commit");
  }

  async rollbackTransaction(): Promise<void> {
    this.finish("rollback");
  }

  async destroy(): Promise<void> {
    await this.opening?.catch(() => undefined);
    this.commitBatch();
    this.conn?.close();
  }

  /** A statement of `connection`: inside its transaction at once, otherwise in the turn's batch. */
  async execute(connection: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<unknown>> {
    const control = TRANSACTION_CONTROL.exec(query.sql)?.[1]?.toLowerCase();
    if (control === "begin") {
      await this.begin(connection);
      return { rows: [] };
    }
    if (this.exclusive?.connection === connection) {
      if (!control) return run(this.statement(query), query);
      this.finish(control === "rollback" ? "rollback" : "commit");
      return { rows: [] };
    }
    const statement = this.statement(query);
    for (;;) {
      while (this.exclusive) await this.exclusive.ended;
      if (!this.batch && !this.opening && statement.readonly) return run(statement, query);
      const batch = await this.openBatch();
      // A transaction that began meanwhile committed the batch: this statement waits for it and takes the next one.
      if (this.batch !== batch || this.exclusive) continue;
      let result: QueryResult<unknown>;
      try {
        result = run(statement, query);
      } catch (error) {
        // Most errors undo only the statement; some (disk full, I/O) end the whole transaction.
        if (!this.database().inTransaction) this.failBatch(batch, error);
        throw error;
      }
      await new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
      return result;
    }
  }

  /** A transaction of `connection`'s own, always BEGIN IMMEDIATE: the batch so far is committed first. */
  private async begin(connection: DatabaseConnection): Promise<void> {
    while (this.exclusive || this.opening) await (this.exclusive?.ended ?? this.opening?.catch(() => undefined));
    this.commitBatch();
    let end = () => {};
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    this.exclusive = { connection, ended, end };
    try {
      await this.takeWriteLock();
    } catch (error) {
      this.endTransaction();
      throw error;
    }
  }

  /** COMMIT or ROLLBACK of that transaction (a failed COMMIT leaves it open for Kysely's ROLLBACK, unless SQLite ended it). */
  private finish(sql: "commit" | "rollback"): void {
    try {
      if (sql === "commit" || this.database().inTransaction) this.database().prepare(sql).run();
      this.endTransaction();
    } catch (error) {
      if (!this.database().inTransaction) this.endTransaction();
      throw error;
    }
  }

  private openBatch(): Promise<Batch> {
    if (this.batch) return Promise.resolve(this.batch);
    this.opening ??= this.takeWriteLock()
      .then(() => {
        const batch: Batch = { waiters: [] };
        this.batch = batch;
        setImmediate(() => this.commitBatch());
        return batch;
      })
      .finally(() => {
        this.opening = null;
      });
    return this.opening;
  }

  /** BEGIN IMMEDIATE, pausing (not blocking) while someone else writes, up to the busy timeout. */
  private async takeWriteLock(): Promise<void> {
    const deadline = Date.now() + this.busyTimeoutMs;
    const conn = this.database();
    for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS)) {
      // Statements, not conn.pragma(): prepared once (the statement cache), this runs for every batch.
      conn.prepare("pragma busy_timeout = 0").get();
      try {
        conn.prepare("begin immediate").run();
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      } finally {
        conn.prepare(`pragma busy_timeout = ${this.busyTimeoutMs}`).get();
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  private commitBatch(): void {
    const batch = this.batch;
    if (!batch) return;
    try {
      this.database().prepare("commit").run();
    } catch (error) {
      if (this.database().inTransaction) this.database().prepare("rollback").run();
      this.failBatch(batch, error);
      return;
    }
    this.batch = null;
    for (const waiter of batch.waiters) waiter.resolve();
  }

  private failBatch(batch: Batch, error: unknown): void {
    this.batch = null;
    for (const waiter of batch.waiters) waiter.reject(error);
  }

  private endTransaction(): void {
    const exclusive = this.exclusive;
    this.exclusive = null;
    exclusive?.end();
  }

  private statement(query: CompiledQuery): BetterSqlite3.Statement {
    return this.database().prepare(query.sql);
  }

  private database(): BetterSqlite3.Database {
    if (!this.conn) throw new Error("the SQLite driver is not initialised");
    return this.conn;
  }
}

class GroupCommitConnection implements DatabaseConnection {
  constructor(private readonly driver: GroupCommitSqliteDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, query) as Promise<QueryResult<R>>;
  }

  // biome-ignore lint/correctness/useYield: nothing here streams from SQLite; Kysely's interface asks for the method.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming queries are not supported on SQLite here");
  }
}

function run(statement: BetterSqlite3.Statement, query: CompiledQuery): QueryResult<unknown> {
  const parameters = query.parameters as unknown[];
  if (statement.reader) return { rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}
