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
      const items = entries.map(([key, item]) => stored(key, item));
      // One item written over whatever is stored (a turn's user state) is one statement, atomic by itself: no transaction.
      if (items.length === 1 && items[0]!.expected === null) {
        await this.overwriteOne.run(items[0]!.row);
        return;
      }
      await this.db.transaction().execute(async (trx) => {
        for (const { row, expected } of items) {
          const { key, data, etag } = row;
          if (expected === null) {
            await trx
              .insertInto("bot_state")
              .values(row)
              .onConflict((oc) => oc.column("key").doUpdateSet({ data, etag }))
              .execute();
          } else {
            const result = await trx
              .updateTable("bot_state")
              .set({ data, etag })
              .where("key", "=", key)
              .where("etag", "=", expected)
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

/**
 * An item as the row to store (with a new eTag), and the eTag the stored row must have: null when
 * the item has none or "*" (the write overwrites, or creates, whatever is stored).
 */
function stored(key: string, item: unknown): { row: { key: string; data: string; etag: string }; expected: string | null } {
  const { eTag, ...rest } = (item ?? {}) as { eTag?: unknown; [k: string]: unknown };
  const unversioned = eTag === undefined || eTag === null || eTag === "" || eTag === "*";
  return { row: { key, data: JSON.stringify(rest), etag: randomUUID() }, expected: unversioned ? null : String(eTag) };
}
