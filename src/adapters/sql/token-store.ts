import { type Kysely, type Selectable, sql } from "kysely";
import type { TokenRecord, TokenStore, TokenTry } from "../../ports/stores.js";
import type { Schema, TokensTable } from "./schema.js";
import { ReusedQuery } from "./reused-query.js";
import { guard, isRolledBackByConflict } from "./sql-errors.js";
import { fromDbTime, toDbTime } from "./sql-values.js";
import type { Engine } from "./database.js";
import { earliestAt, KeyedBatcher, loneCall } from "./keyed-batcher.js";

/** A try at a login's active token (TokenStore.countTry); key: the login name in lower case. */
interface Try {
  key: string;
  at: Date;
}

/** Every column, named: the hot queries are prepared statements on PostgreSQL (no `*`, see ReusedQuery). */
const TOKEN_COLUMNS = [
  "id",
  "login_name",
  "upn",
  "device_name",
  "secret_sealed",
  "status",
  "activated_at",
  "ended_at",
  "last_time_step",
  "last_used_at",
  "failed_tries",
  "locked_until",
] as const satisfies readonly (keyof TokensTable)[];

/**
 * What a counted try returns (TokenTry): five columns, not twelve. A login reads no more of its
 * token, and each column returned costs SQLite's RETURNING, PostgreSQL's output and the driver's
 * parsing on every login.
 */
const TRY_COLUMNS = [
  "id",
  "secret_sealed",
  "last_time_step",
  "failed_tries",
  "locked_until",
] as const satisfies readonly (keyof TokensTable)[];
type TryRow = Pick<Selectable<TokensTable>, (typeof TRY_COLUMNS)[number]>;

/** Tokens are written by SqlEnrollmentStore.save(…, activate); this reads and retires them. */
export class SqlTokenStore implements TokenStore {
  // Every login looks the token up: compiled once (ReusedQuery).
  private readonly active: ReusedQuery<{ login: string }, Selectable<TokensTable>>;
  private readonly advance: ReusedQuery<{ id: string; step: number }>;
  private readonly use: ReusedQuery<{ id: string; step: number; usedAt: string }>;
  private readonly tryCount: ReusedQuery<{ login: string; now: string }, TryRow>;
  private readonly tryCounts: ReusedQuery<{ logins: string[]; counts: number[]; now: string }, TryRow & { key: string }>;
  /**
   * PostgreSQL only: the tries that arrive while one batch is being written go together in the
   * next (KeyedBatcher), so a flood of guesses costs a round trip per batch, not per guess.
   * SQLite's statements are calls, not round trips, and its group commit already shares a commit per turn.
   */
  private readonly tries?: KeyedBatcher<Try, TryRow, TokenTry | "uncounted">;
  /** PostgreSQL only, likewise: accepted logins' time steps, one per token in a statement (a second waits for the next). */
  private readonly uses?: KeyedBatcher<{ key: string; step: number; usedAt: string }, true, boolean>;
  private readonly useMany: ReusedQuery<{ ids: string[]; steps: number[]; usedAts: string[] }, { id: string }>;

  constructor(
    private readonly db: Kysely<Schema>,
    engine: Engine = "sqlite",
  ) {
    this.active = new ReusedQuery(
      db,
      (q, v) => q.selectFrom("tokens").select(TOKEN_COLUMNS).where("login_name", "=", v.login).where("status", "=", "active"),
      ["login"],
    );
    const advancing = (q: Kysely<Schema>, id: string, step: number) =>
      q.updateTable("tokens").where("id", "=", id).where("status", "=", "active").where("last_time_step", "<", step);
    this.advance = new ReusedQuery(db, (q, v) => advancing(q, v.id, v.step).set({ last_time_step: v.step }), ["id", "step"]);
    // An accepted login: the step, the last use, and the count of tries starts afresh.
    this.use = new ReusedQuery(
      db,
      (q, v) => advancing(q, v.id, v.step).set({ last_time_step: v.step, last_used_at: v.usedAt, failed_tries: 0 }),
      ["id", "step", "usedAt"],
    );
    // Not locked at `now`: one more try (the first of a new count when a lock has ended).
    this.tryCount = new ReusedQuery(
      db,
      (q, v) =>
        q
          .updateTable("tokens")
          .set((eb) => ({
            failed_tries: eb
              .case()
              .when("locked_until", "is", null)
              .then(eb("failed_tries", "+", eb.lit(1)))
              .else(eb.lit(1))
              .end(),
            locked_until: null,
          }))
          .where("login_name", "=", v.login)
          .where("status", "=", "active")
          .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", v.now)]))
          .returning(TRY_COLUMNS),
      ["login", "now"],
    );
    // The same for many logins in one statement (PostgreSQL's unnest; each login once, with its number of tries).
    this.tryCounts = new ReusedQuery(
      db,
      (q, v) => {
        const columns = sql.join(TRY_COLUMNS.map((column) => sql.ref(`tokens.${column}`)));
        const query = sql<TryRow & { key: string }>`update tokens set
            failed_tries = case when tokens.locked_until is null then tokens.failed_tries + t.n else t.n end,
            locked_until = null
          from unnest(${v.logins}::text[], ${v.counts}::int[]) as t(login, n)
          where tokens.login_name = t.login and tokens.status = 'active'
            and (tokens.locked_until is null or tokens.locked_until <= ${v.now})
          returning t.login as key, ${columns}`;
        return { compile: () => query.compile(q) };
      },
      ["logins", "counts", "now"],
    );
    // The same for many tokens in one statement (each token once).
    this.useMany = new ReusedQuery(
      db,
      (q, v) => {
        const query = sql<{ id: string }>`update tokens set last_time_step = t.step, last_used_at = t.used_at, failed_tries = 0
          from unnest(${v.ids}::text[], ${v.steps}::integer[], ${v.usedAts}::text[]) as t(id, step, used_at)
          where tokens.id = t.id and tokens.status = 'active' and tokens.last_time_step < t.step
          returning tokens.id`;
        return { compile: () => query.compile(q) };
      },
      ["ids", "steps", "usedAts"],
    );
    if (engine === "postgres") {
      this.uses = new KeyedBatcher({
        write: (uses) => this.writeUses(uses),
        answer: (advanced) => advanced === true,
        onePerKey: true,
        retryWhen: isRolledBackByConflict,
      });
      this.tries = new KeyedBatcher<Try, TryRow, TokenTry | "uncounted">({
        write: (tries) => this.writeTries(tries),
        // A login's n tries added n: they are the (total − n + 1)-th … total-th, in call order.
        // Object.assign, not a spread: see the comment in radius-server.ts's respond.
        answer: (row, index, count) =>
          row ? Object.assign(toTokenTry(row), { failedTries: Number(row.failed_tries ?? 0) - count + 1 + index }) : "uncounted",
        retryWhen: isRolledBackByConflict,
      });
    }
  }

  async findActive(loginName: string): Promise<TokenRecord | null> {
    return guard("token lookup", async () => {
      const row = (await this.active.run({ login: loginName.toLowerCase() })).rows[0];
      return row ? toTokenRecord(row) : null;
    });
  }

  async revoke(loginName: string, at: Date): Promise<boolean> {
    return guard("token revoke", async () => {
      const result = await this.db
        .updateTable("tokens")
        .set({ status: "revoked", ended_at: toDbTime(at) })
        .where("login_name", "=", loginName.toLowerCase())
        .where("status", "=", "active")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  /**
   * One conditional UPDATE, so two instances verifying the same code cannot both win.
   * Only an active token advances: false when not higher, or the token was replaced
   * or revoked meanwhile (its codes must no longer be accepted).
   */
  async advanceTimeStep(tokenId: string, timeStep: number, usedAt?: Date): Promise<boolean> {
    return guard("token time step", async () => {
      if (usedAt && this.uses) return this.uses.run({ key: tokenId, step: timeStep, usedAt: toDbTime(usedAt) });
      if (usedAt) return this.useOne(tokenId, timeStep, toDbTime(usedAt));
      return Number((await this.advance.run({ id: tokenId, step: timeStep })).numAffectedRows) === 1;
    });
  }

  async countTry(loginName: string, now: Date): Promise<TokenTry | null> {
    return guard("token try", async () => {
      const login = loginName.toLowerCase();
      if (this.tries) {
        const counted = await this.tries.run({ key: login, at: now });
        if (counted !== "uncounted") return counted;
      } else {
        const counted = await this.countOne(login, now);
        if (counted) return toTokenTry(counted);
      }
      // Locked (returned uncounted) or no active token: the rare path reads the row.
      const row = (await this.active.run({ login })).rows[0];
      return row ? toTokenTry(row) : null;
    });
  }

  /**
   * One batch of tries, one row per login. A lock is judged as of the batch's earliest try: at
   * most a few milliseconds before a try's own moment, so a lock is, if anything, held that much
   * longer (stricter, never looser). Logins without a row back are locked or have no token.
   */
  private async writeTries(tries: Map<string, Try[]>): Promise<Map<string, TryRow>> {
    const lone = loneCall(tries);
    if (lone) {
      const row = await this.countOne(lone.key, lone.at);
      return new Map(row ? [[lone.key, row]] : []);
    }
    const result = await this.tryCounts.run({
      logins: [...tries.keys()],
      counts: [...tries.values()].map((calls) => calls.length),
      now: toDbTime(earliestAt([...tries.values()].flat())),
    });
    return new Map(result.rows.map((row) => [row.key, row]));
  }

  /** One try at one login's token (undefined: locked or no active token). */
  private async countOne(login: string, now: Date): Promise<TryRow | undefined> {
    return (await this.tryCount.run({ login, now: toDbTime(now) })).rows[0];
  }

  /** Accepted logins' time steps, each token once (KeyedBatcher's onePerKey); the tokens that advanced. */
  private async writeUses(uses: Map<string, { key: string; step: number; usedAt: string }[]>): Promise<Map<string, true>> {
    const lone = loneCall(uses);
    if (lone) return new Map((await this.useOne(lone.key, lone.step, lone.usedAt)) ? [[lone.key, true]] : []);
    const calls = [...uses.values()].map(([use]) => use!);
    const result = await this.useMany.run({
      ids: calls.map((use) => use.key),
      steps: calls.map((use) => use.step),
      usedAts: calls.map((use) => use.usedAt),
    });
    return new Map(result.rows.map((row) => [row.id, true]));
  }

  /** An accepted login's time step on one token: true when it advanced (compare-and-set). */
  private async useOne(id: string, step: number, usedAt: string): Promise<boolean> {
    return Number((await this.use.run({ id, step, usedAt })).numAffectedRows) === 1;
  }

  async lock(tokenId: string, until: Date): Promise<void> {
    await guard("token lock", async () => {
      await this.db
        .updateTable("tokens")
        .set({ locked_until: toDbTime(until) })
        .where("id", "=", tokenId)
        .where("status", "=", "active")
        .where("locked_until", "is", null)
        .execute();
    });
  }

  async clearLock(tokenId: string): Promise<void> {
    await guard("token clear lock", async () => {
      await this.db.updateTable("tokens").set({ failed_tries: 0, locked_until: null }).where("id", "=", tokenId).execute();
    });
  }
}

function toTokenTry(row: TryRow): TokenTry {
  const found: TokenTry = {
    id: row.id,
    secretSealed: row.secret_sealed,
    lastTimeStep: Number(row.last_time_step),
    failedTries: Number(row.failed_tries ?? 0),
  };
  if (row.locked_until) found.lockedUntil = fromDbTime(row.locked_until);
  return found;
}

/** The whole token: what a try reads of it (toTokenTry), and the rest. */
export function toTokenRecord(row: Selectable<TokensTable>): TokenRecord {
  const record: TokenRecord = {
    ...toTokenTry(row),
    loginName: row.login_name,
    upn: row.upn,
    deviceName: row.device_name,
    activatedAt: fromDbTime(row.activated_at),
    status: row.status,
  };
  if (row.ended_at !== null) record.endedAt = fromDbTime(row.ended_at);
  if (row.last_used_at) record.lastUsedAt = fromDbTime(row.last_used_at);
  return record;
}
