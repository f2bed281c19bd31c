import type { Kysely } from "kysely";
import type { RateCounter } from "../../ports/stores.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toCount, toDbTime } from "./sql-values.js";

/** Sliding-window counter: one row per event, counted since a moment (inclusive). */
export class SqlRateCounter implements RateCounter {
  constructor(private readonly db: Kysely<Schema>) {}

  async record(key: string, at: Date): Promise<void> {
    await guard("rate record", async () => {
      await this.db.insertInto("rate_events").values({ key, at: toDbTime(at) }).execute();
    });
  }

  async countSince(key: string, since: Date): Promise<number> {
    return guard("rate count", async () => {
      const row = await this.db
        .selectFrom("rate_events")
        .select((eb) => eb.fn.countAll<string | number>().as("n"))
        .where("key", "=", key)
        .where("at", ">=", toDbTime(since))
        .executeTakeFirst();
      return toCount(row?.n);
    });
  }

  async latestAt(key: string): Promise<Date | null> {
    return guard("rate latest", async () => {
      const row = await this.db
        .selectFrom("rate_events")
        .select((eb) => eb.fn.max("at").as("at"))
        .where("key", "=", key)
        .executeTakeFirst();
      return row?.at ? fromDbTime(row.at) : null;
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
