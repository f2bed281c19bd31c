import type { Kysely, Selectable } from "kysely";
import type { ConversationRefStore, StoredConversationRef } from "../../ports/stores.js";
import type { ConversationRefsTable, Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, fromJsonText, toDbTime, toJsonText } from "./sql-values.js";

/** Conversation references for proactive messages; UPNs are stored and matched lowercase. */
export class SqlConversationRefStore implements ConversationRefStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async upsert(ref: StoredConversationRef): Promise<void> {
    await guard("conversation ref upsert", async () => {
      const values = {
        upn: ref.upn === undefined ? null : ref.upn.toLowerCase(),
        locale: ref.locale,
        reference: toJsonText(ref.reference),
        updated_at: toDbTime(ref.updatedAt),
      };
      await this.db
        .insertInto("conversation_refs")
        .values({ user_key: ref.userKey, ...values })
        .onConflict((oc) => oc.column("user_key").doUpdateSet(values))
        .execute();
    });
  }

  async get(userKey: string): Promise<StoredConversationRef | null> {
    return guard("conversation ref get", async () => {
      const row = await this.db.selectFrom("conversation_refs").selectAll().where("user_key", "=", userKey).executeTakeFirst();
      return row ? toRef(row) : null;
    });
  }

  /** Case-insensitive; when several Teams users carry the UPN, the most recently updated. */
  async findByUpn(upn: string): Promise<StoredConversationRef | null> {
    return guard("conversation ref by upn", async () => {
      const row = await this.db
        .selectFrom("conversation_refs")
        .selectAll()
        .where("upn", "=", upn.toLowerCase())
        .orderBy("updated_at", "desc")
        .executeTakeFirst();
      return row ? toRef(row) : null;
    });
  }
}

function toRef(row: Selectable<ConversationRefsTable>): StoredConversationRef {
  const ref: StoredConversationRef = {
    userKey: row.user_key,
    locale: row.locale,
    reference: fromJsonText<Record<string, unknown>>(row.reference),
    updatedAt: fromDbTime(row.updated_at),
  };
  if (row.upn !== null) ref.upn = row.upn;
  return ref;
}
