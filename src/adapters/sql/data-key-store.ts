import type { Kysely, Selectable } from "kysely";
import type { DataKeyPurpose, DataKeyRecord, DataKeyStore } from "../../ports/key-wrapping.js";
import type { DataKeysTable, Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toDbTime } from "./sql-values.js";

/** Wrapped data keys (0010_data_keys). */
export class SqlDataKeyStore implements DataKeyStore {
  constructor(private readonly db: Kysely<Schema>) {}

  newest(purpose: DataKeyPurpose): Promise<DataKeyRecord | null> {
    return guard("data key newest", async () => {
      const row = await this.db
        .selectFrom("data_keys")
        .selectAll()
        .where("purpose", "=", purpose)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    });
  }

  get(id: string): Promise<DataKeyRecord | null> {
    return guard("data key get", async () => {
      const row = await this.db.selectFrom("data_keys").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : null;
    });
  }

  list(): Promise<DataKeyRecord[]> {
    return guard("data key list", async () =>
      (await this.db.selectFrom("data_keys").selectAll().orderBy("created_at").orderBy("id").execute()).map(toRecord),
    );
  }

  insert(record: DataKeyRecord): Promise<boolean> {
    return guard("data key insert", async () => {
      const result = await this.db
        .insertInto("data_keys")
        .values({
          id: record.id,
          purpose: record.purpose,
          kek_id: record.kekId,
          wrapped: record.wrapped,
          created_at: toDbTime(record.createdAt),
        })
        .onConflict((c) => c.column("id").doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    });
  }

  delete(id: string): Promise<void> {
    return guard("data key delete", async () => {
      await this.db.deleteFrom("data_keys").where("id", "=", id).where("purpose", "=", "data").execute();
    });
  }
}

function toRecord(row: Selectable<DataKeysTable>): DataKeyRecord {
  return { id: row.id, purpose: row.purpose, kekId: row.kek_id, wrapped: row.wrapped, createdAt: fromDbTime(row.created_at) };
}
