import type { Kysely } from "kysely";
import type { RateCounter } from "../../ports/stores.js";
import { ReusedQuery } from "./reused-query.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toCount, toDbTime } from "./sql-values.js";

/** Sliding-window counter: one row per event, counted since a moment (inclusive). */
export class SqlRateCounter implements RateCounter {
  // The limits run these on every login and every guess: compiled once (ReusedQuery).
  private readonly insert: ReusedQuery<{ key: string; at: string }>;
  private readonly count: ReusedQuery<{ key: string; since: string }, { n: string | number }>;
  private readonly newest: ReusedQuery<{ key: string }, { at: string | null }>;

  constructor(private readonly db: Kysely<Schema>) {
    this.insert = new ReusedQuery(db, (q, v) => q.insertInto("rate_events").values({ key: v.key, at: v.at }), ["key", "at"]);
    this.count = new ReusedQuery(
      db,
      (q, v) => q.selectFrom("rate_events").select((eb) => eb.fn.countAll<string | number>().as("n")).where("key", "=", v.key).where("at", ">=", v.since),
      ["key", "since"],
    );
    this.newest = new ReusedQuery(db, (q, v) => q.selectFrom("rate_events").select((eb) => eb.fn.max("at").as("at")).where("key", "=", v.key), ["key"]);
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
    });
  }

  async prune(before: Date): Promise<number> {
    return guard("rate prune", async () => {
      const result = await this.db.deleteFrom("rate_events").where("at", "<", toDbTime(before)).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}
