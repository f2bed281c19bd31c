import type { Kysely } from "kysely";
import type { EnrollmentState } from "../../ports/enrollment-state.js";
import type { SealedKind, SealedRow, SealedValueStore } from "../../ports/sealed-values.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromJsonText, toJsonText } from "./sql-values.js";

/** Tokens' secret_sealed and enrollments' pendingSecret (inside the state JSON), for rotation. */
export class SqlSealedValueStore implements SealedValueStore {
  constructor(private readonly db: Kysely<Schema>) {}

  page(kind: SealedKind, after: string | null, limit: number): Promise<SealedRow[]> {
    return guard("sealed values page", async () => {
      if (kind === "token") {
        let query = this.db.selectFrom("tokens").select(["id", "secret_sealed"]);
        if (after !== null) query = query.where("id", ">", after);
        const rows = await query.orderBy("id").limit(limit).execute();
        return rows.map((r) => ({ kind, ref: r.id, sealed: r.secret_sealed, readAs: r.secret_sealed }));
      }
      let query = this.db.selectFrom("enrollments").select(["user_key", "state"]).where("state", "like", '%"pendingSecret":"%');
      if (after !== null) query = query.where("user_key", ">", after);
      const rows = await query.orderBy("user_key").limit(limit).execute();
      return rows.flatMap((r) => {
        const sealed = fromJsonText<EnrollmentState>(r.state).pendingSecret;
        return sealed ? [{ kind, ref: r.user_key, sealed, readAs: r.state }] : [];
      });
    });
  }

  replace(row: SealedRow, resealed: string): Promise<boolean> {
    return guard("sealed value replace", async () => {
      if (row.kind === "token") {
        const result = await this.db
          .updateTable("tokens")
          .set({ secret_sealed: resealed })
          .where("id", "=", row.ref)
          .where("secret_sealed", "=", row.readAs)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }
      const state = { ...fromJsonText<EnrollmentState>(row.readAs), pendingSecret: resealed };
      // The version stays: a re-seal changes nothing the employee's flow decided, so the turn in
      // flight (loaded before it) still saves, and does not answer "already handled". What it saves
      // may hold the old sealing again (still openable: a key in use is never pruned); the
      // rotation's next pass re-seals it.
      const result = await this.db
        .updateTable("enrollments")
        .set({ state: toJsonText(state) })
        .where("user_key", "=", row.ref)
        .where("state", "=", row.readAs)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }
}
