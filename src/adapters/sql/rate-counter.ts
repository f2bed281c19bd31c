import type { Kysely } from "kysely";
import type { RateCounter } from "../../ports/stores.js";
import { ReusedQuery } from "./reused-query.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toCount, toDbTime } from "./sql-values.js";

/**
 * Sliding-window counter: one row per event, counted since a moment (inclusive). And the
 * request throttles' windows: one row per key, counted in one upsert.
 */
export class SqlRateCounter implements RateCounter {
  // The limits run these on every login and every guess: compiled once (ReusedQuery).
  private readonly insert: ReusedQuery<{ key: string; at: string }>;
  private readonly count: ReusedQuery<{ key: string; since: string }, { n: string | number }>;
  private readonly newest: ReusedQuery<{ key: string }, { at: string | null }>;
  private readonly windowHit: ReusedQuery<{ key: string; at: string; opensAfter: string }, { hits: number | string }>;

  constructor(private readonly db: Kysely<Schema>) {
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
  }

  async hit(key: string, at: Date, windowMs: number): Promise<number> {
    return guard("rate hit", async () => {
      const rows = (await this.windowHit.run({ key, at: toDbTime(at), opensAfter: toDbTime(new Date(at.getTime() - windowMs)) })).rows;
      return toCount(rows[0]?.hits);
    });
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
