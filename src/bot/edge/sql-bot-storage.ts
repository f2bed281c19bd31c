import { randomUUID } from "node:crypto";
import type { Storage, StoreItems } from "botbuilder";
import type { Kysely } from "kysely";
import { translateError } from "../../adapters/sql/sql-errors.js";
import { ReusedQuery } from "../../adapters/sql/reused-query.js";
import type { Schema } from "../../adapters/sql/schema.js";

/** A write whose eTag no longer matches the stored item (botbuilder's optimistic concurrency). */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict (precondition failed).`);
    this.name = "ETagConflictError";
  }
}

/**
 * botbuilder Storage over the bot_state table, shared by every instance.
 * - write: an item without eTag, or with "*", overwrites (or creates); any other eTag must
 *   equal the stored one, else ETagConflictError. A specific eTag for a missing item is
 *   also a conflict (it was deleted meanwhile), as in the Cosmos DB and Blob storages.
 *   Every write gets a new eTag. A multi-item write is one transaction: all or nothing.
 * - read: items carry their current eTag; missing keys are absent from the result.
 * - delete: missing keys are ignored.
 */
export class SqlBotStorage implements Storage {
  // A turn reads one key (the user's state): that query is compiled once (ReusedQuery).
  private readonly readOne: ReusedQuery<{ key: string }, { key: string; data: string; etag: string }>;
  // …and writes it back with eTag "*" (UserState.saveChanges) when it changed: one statement, also compiled once.
  private readonly overwriteOne: ReusedQuery<{ key: string; data: string; etag: string }>;

  constructor(private readonly db: Kysely<Schema>) {
    this.readOne = new ReusedQuery(db, (q, v) => q.selectFrom("bot_state").select(["key", "data", "etag"]).where("key", "=", v.key), [
      "key",
    ]);
    this.overwriteOne = new ReusedQuery(
      db,
      (q, v) =>
        q
          .insertInto("bot_state")
          .values({ key: v.key, data: v.data, etag: v.etag })
          .onConflict((oc) => oc.column("key").doUpdateSet((eb) => ({ data: eb.ref("excluded.data"), etag: eb.ref("excluded.etag") }))),
      ["key", "data", "etag"],
    );
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.run("bot state read", async () =>
      keys.length === 1
        ? (await this.readOne.run({ key: keys[0]! })).rows
        : this.db.selectFrom("bot_state").select(["key", "data", "etag"]).where("key", "in", keys).execute(),
    );
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = { ...(JSON.parse(row.data) as object), eTag: row.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes ?? {});
    if (entries.length === 0) return;
    await this.run("bot state write", async () => {
      const [only] = entries;
      const single = entries.length === 1 && only ? unversioned(only[0], only[1]) : null;
      // One item written over whatever is stored (a turn's user state) is one statement, atomic by itself: no transaction.
      if (single) {
        await this.overwriteOne.run(single);
        return;
      }
      await this.db.transaction().execute(async (trx) => {
        for (const [key, item] of entries) {
          const { eTag, ...rest } = (item ?? {}) as { eTag?: unknown; [k: string]: unknown };
          const data = JSON.stringify(rest);
          const etag = randomUUID();
          if (isUnversioned(eTag)) {
            await trx
              .insertInto("bot_state")
              .values({ key, data, etag })
              .onConflict((oc) => oc.column("key").doUpdateSet({ data, etag }))
              .execute();
          } else {
            const result = await trx
              .updateTable("bot_state")
              .set({ data, etag })
              .where("key", "=", key)
              .where("etag", "=", String(eTag))
              .executeTakeFirst();
            if (Number(result.numUpdatedRows) !== 1) throw new ETagConflictError(key);
          }
        }
      });
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.run("bot state delete", () => this.db.deleteFrom("bot_state").where("key", "in", keys).execute());
  }

  private async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ETagConflictError) throw error;
      throw translateError(error, what);
    }
  }
}

/** No eTag, or "*": the write overwrites (or creates) whatever is stored. */
function isUnversioned(eTag: unknown): boolean {
  return eTag === undefined || eTag === null || eTag === "" || eTag === "*";
}

/** An item to overwrite, as the row to store (with a new eTag); null when its eTag asks for a compare. */
function unversioned(key: string, item: unknown): { key: string; data: string; etag: string } | null {
  const { eTag, ...rest } = (item ?? {}) as { eTag?: unknown; [k: string]: unknown };
  return isUnversioned(eTag) ? { key, data: JSON.stringify(rest), etag: randomUUID() } : null;
}
