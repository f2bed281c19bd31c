import { type Kysely, sql } from "kysely";
import type { RateCounter } from "../../ports/stores.js";
import { ReusedQuery } from "./reused-query.js";
import type { Schema } from "./schema.js";
import { guard, isRolledBackByConflict } from "./sql-errors.js";
import { fromDbTime, toCount, toDbTime, wellFormed } from "./sql-values.js";
import type { Engine } from "./database.js";
import { earliestAt, KeyedBatcher, loneCall } from "./keyed-batcher.js";

/** A request throttle's hit (RateCounter.hit). */
interface Hit {
  key: string;
  at: Date;
  windowMs: number;
}

/**
 * Sliding-window counter: one row per event, counted since a moment (inclusive). And the
 * request throttles' windows: one row per key, counted in one upsert (on PostgreSQL the hits
 * that arrive during a write go together in the next: KeyedBatcher).
 */
export class SqlRateCounter implements RateCounter {
  // The limits run these on every login and every guess: compiled once (ReusedQuery).
  private readonly insert: ReusedQuery<{ key: string; at: string }>;
  private readonly count: ReusedQuery<{ key: string; since: string }, { n: string | number }>;
  private readonly newest: ReusedQuery<{ key: string }, { at: string | null }>;
  private readonly windowHit: ReusedQuery<{ key: string; at: string; opensAfter: string }, { hits: number | string }>;
  private readonly windowHits: ReusedQuery<
    { keys: string[]; starts: string[]; counts: number[]; opensAfter: string },
    { key: string; hits: number | string }
  >;
  /** PostgreSQL only: SQLite's statements are calls, not round trips, and its group commit already shares a commit per turn. */
  private readonly batcher?: KeyedBatcher<Hit, number, number>;

  constructor(
    private readonly db: Kysely<Schema>,
    engine: Engine = "sqlite",
  ) {
    this.insert = new ReusedQuery(db, (q, v) => q.insertInto("rate_events").values({ key: v.key, at: v.at }), ["key", "at"]);
    this.count = new ReusedQuery(
      db,
      (q, v) =>
        q
          .selectFrom("rate_events")
          .select((eb) => eb.fn.countAll<string | number>().as("n"))
          .where("key", "=", v.key)
          .where("at", ">=", v.since),
      ["key", "since"],
    );
    this.newest = new ReusedQuery(
      db,
      (q, v) =>
        q
          .selectFrom("rate_events")
          .select((eb) => eb.fn.max("at").as("at"))
          .where("key", "=", v.key),
      ["key"],
    );
    // One upsert: atomic on both engines (a row lock on PostgreSQL, the write lock on SQLite).
    this.windowHit = new ReusedQuery(
      db,
      (q, v) =>
        q
          .insertInto("rate_windows")
          .values({ key: v.key, window_start: v.at, hits: 1 })
          .onConflict((oc) =>
            oc.column("key").doUpdateSet((eb) => {
              const open = eb("rate_windows.window_start", ">", v.opensAfter);
              return {
                hits: eb
                  .case()
                  .when(open)
                  .then(eb("rate_windows.hits", "+", eb.lit(1)))
                  .else(eb.lit(1))
                  .end(),
                window_start: eb.case().when(open).then(eb.ref("rate_windows.window_start")).else(eb.ref("excluded.window_start")).end(),
              };
            }),
          )
          .returning("hits"),
      ["key", "at", "opensAfter"],
    );
    // Many keys' hits in one upsert (PostgreSQL's unnest; each key once, with its number of hits).
    this.windowHits = new ReusedQuery(
      db,
      (q, v) => {
        const open = sql`rate_windows.window_start > ${v.opensAfter}`;
        const query = sql<{ key: string; hits: number | string }>`insert into rate_windows (key, window_start, hits)
          select k, w, n from unnest(${v.keys}::text[], ${v.starts}::text[], ${v.counts}::int[]) as t(k, w, n)
          on conflict (key) do update set
            hits = case when ${open} then rate_windows.hits + excluded.hits else excluded.hits end,
            window_start = case when ${open} then rate_windows.window_start else excluded.window_start end
          returning key, hits`;
        return { compile: () => query.compile(q) };
      },
      ["keys", "starts", "counts", "opensAfter"],
    );
    if (engine === "postgres") {
      this.batcher = new KeyedBatcher({
        write: (hits) => this.writeHits(hits),
        // A key's n hits added n: they are numbered up to its count, in call order.
        answer: (total, index, count) => {
          if (total === undefined) throw new Error("a throttle window was not returned by its write");
          return total - count + 1 + index;
        },
        joins: (first, hit) => hit.windowMs === first.windowMs,
        retryWhen: isRolledBackByConflict,
      });
    }
  }

  async hit(rawKey: string, at: Date, windowMs: number): Promise<number> {
    // As the database will hold it: two keys that differ only in a lone surrogate half are one row, so one key in a batch.
    const key = wellFormed(rawKey);
    if (this.batcher) return guard("rate hit", () => this.batcher!.run({ key, at, windowMs }));
    return guard("rate hit", async () => (await this.hitOne({ key, at, windowMs })) ?? 0);
  }

  /**
   * One batch of hits with one window length, one row per key. A key's window is judged open or
   * closed as of the batch's earliest hit: at most a few milliseconds before a hit's own moment,
   * so a window is, if anything, held open that much longer (stricter, never looser).
   */
  private async writeHits(hits: Map<string, Hit[]>): Promise<Map<string, number>> {
    const lone = loneCall(hits);
    if (lone) {
      const total = await this.hitOne(lone);
      return new Map(total === undefined ? [] : [[lone.key, total]]);
    }
    const groups = [...hits.values()];
    const all = groups.flat();
    const result = await this.windowHits.run({
      keys: [...hits.keys()],
      starts: groups.map((group) => toDbTime(earliestAt(group))),
      counts: groups.map((group) => group.length),
      opensAfter: toDbTime(new Date(earliestAt(all).getTime() - all[0]!.windowMs)),
    });
    return new Map(result.rows.map((row) => [row.key, toCount(row.hits)]));
  }

  /** One hit in one key's window: the hits in it now (undefined only if the upsert returned no row). */
  private async hitOne({ key, at, windowMs }: Hit): Promise<number | undefined> {
    const [row] = (await this.windowHit.run({ key, at: toDbTime(at), opensAfter: toDbTime(new Date(at.getTime() - windowMs)) })).rows;
    return row ? toCount(row.hits) : undefined;
  }

  async record(key: string, at: Date): Promise<void> {
    await guard("rate record", () => this.insert.run({ key, at: toDbTime(at) }));
  }

  async countSince(key: string, since: Date): Promise<number> {
    return guard("rate count", async () => toCount((await this.count.run({ key, since: toDbTime(since) })).rows[0]?.n));
  }

  async latestAt(key: string): Promise<Date | null> {
    return guard("rate latest", async () => {
      const at = (await this.newest.run({ key })).rows[0]?.at;
      return at ? fromDbTime(at) : null;
    });
  }

  async clear(key: string): Promise<void> {
    await guard("rate clear", async () => {
      await this.db.deleteFrom("rate_events").where("key", "=", key).execute();
      await this.db.deleteFrom("rate_windows").where("key", "=", key).execute();
    });
  }

  async prune(before: Date): Promise<number> {
    return guard("rate prune", async () => {
      const result = await this.db.deleteFrom("rate_events").where("at", "<", toDbTime(before)).executeTakeFirst();
      const windows = await this.db.deleteFrom("rate_windows").where("window_start", "<", toDbTime(before)).executeTakeFirst();
      return Number(result.numDeletedRows) + Number(windows.numDeletedRows);
    });
  }
}
