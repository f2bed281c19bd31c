import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from "kysely";
import type { Schema } from "./schema.js";

/** Each reused query's SQL text and the name it is prepared under on PostgreSQL (the same in every connection). */
const preparedNames = new Map<string, string>();

/** The prepared statement name of a reused query's SQL text; undefined for any other SQL. */
export function reusedQueryName(sql: string): string | undefined {
  return preparedNames.get(sql);
}

/**
 * A hot query built and compiled by Kysely once (the SQL text for this engine), then run
 * with new values each time: compiling costs about 35 µs a query, most of a small query's
 * time on SQLite, and the validation service runs eight of them per login.
 *
 * `build` receives a placeholder for each named value; the placeholders are found again in
 * the compiled parameters, so the values land where Kysely put them, whatever the order.
 * Any other parameter is a constant of the query (e.g. status = 'active') and stays as it is.
 *
 * On PostgreSQL a reused query is also a named prepared statement (postgres-prepared.ts), so
 * it names its columns: `select *` and `returning *` are refused when it is compiled.
 */
export class ReusedQuery<Values extends Record<string, unknown>, Row = unknown> {
  /** Per compiled parameter: the name of the value to bind, or the query's own constant. */
  private compiled?: { sql: string; slots: ({ name: keyof Values } | { constant: unknown })[] };

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly build: (db: Kysely<Schema>, values: { [K in keyof Values]: Values[K] }) => Compilable<Row>,
    private readonly names: readonly (keyof Values)[],
  ) {}

  run(values: Values): Promise<QueryResult<Row>> {
    const compiled = (this.compiled ??= this.compile());
    const parameters = compiled.slots.map((slot) => ("name" in slot ? values[slot.name] : slot.constant));
    return this.db.executeQuery(CompiledQuery.raw(compiled.sql, parameters)) as Promise<QueryResult<Row>>;
  }

  private compile(): NonNullable<ReusedQuery<Values, Row>["compiled"]> {
    const placeholders = Object.fromEntries(this.names.map((name) => [name, `\u0000${String(name)}`])) as {
      [K in keyof Values]: Values[K];
    };
    const query = this.build(this.db, placeholders).compile();
    const slots = query.parameters.map((parameter) => {
      const name = this.names.find((n) => placeholders[n] === parameter);
      return name === undefined ? { constant: parameter } : { name };
    });
    const missing = this.names.filter((name) => !slots.some((slot) => "name" in slot && slot.name === name));
    if (missing.length > 0) throw new Error(`a reused query does not use ${missing.join(", ")}: ${query.sql}`);
    if (/\b(select|returning)\s+\*/i.test(query.sql)) throw new Error(`a reused query names its columns: ${query.sql}`);
    if (!preparedNames.has(query.sql)) preparedNames.set(query.sql, `reused_${preparedNames.size}`);
    return { sql: query.sql, slots };
  }
}
