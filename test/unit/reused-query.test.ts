/** ReusedQuery: compiled once, values bound by name, and (being prepared on PostgreSQL) no `*` columns. */
import { type CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, DummyDriver } from "kysely";
import { describe, expect, it } from "vitest";
import { ReusedQuery, reusedQueryName } from "../../src/adapters/sql/reused-query.js";
import type { Schema } from "../../src/adapters/sql/schema.js";

/** Compiles like the PostgreSQL dialect and records what would be sent. */
function compilingDatabase(sent: { sql: string; parameters: readonly unknown[] }[]): Kysely<Schema> {
  const db = new Kysely<Schema>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const execute = db.executeQuery.bind(db);
  db.executeQuery = ((query: CompiledQuery) => {
    sent.push({ sql: query.sql, parameters: query.parameters });
    return execute(query);
  }) as typeof db.executeQuery;
  return db;
}

describe("ReusedQuery", () => {
  it("binds each run's values where Kysely put them and names the SQL for PostgreSQL's prepared statements", async () => {
    const sent: { sql: string; parameters: readonly unknown[] }[] = [];
    const query = new ReusedQuery<{ login: string }>(
      compilingDatabase(sent),
      (q, v) => q.selectFrom("tokens").select(["id"]).where("login_name", "=", v.login).where("status", "=", "active"),
      ["login"],
    );
    await query.run({ login: "anna" });
    await query.run({ login: "bertil" });
    expect(sent.map((s) => s.parameters)).toEqual([
      ["anna", "active"],
      ["bertil", "active"],
    ]);
    expect(reusedQueryName(sent[0]!.sql)).toMatch(/^reused_\d+$/);
    expect(reusedQueryName('select * from "tokens"')).toBeUndefined();
  });

  it("refuses select * and returning * (a prepared statement's columns must not change under a migration)", () => {
    const db = compilingDatabase([]);
    const star = new ReusedQuery<{ login: string }>(db, (q, v) => q.selectFrom("tokens").selectAll().where("login_name", "=", v.login), [
      "login",
    ]);
    expect(() => star.run({ login: "anna" })).toThrow(/names its columns/);
    const returningStar = new ReusedQuery<{ id: string }>(
      db,
      (q, v) => q.updateTable("tokens").set({ failed_tries: 0 }).where("id", "=", v.id).returningAll(),
      ["id"],
    );
    expect(() => returningStar.run({ id: "t-1" })).toThrow(/names its columns/);
  });
});
