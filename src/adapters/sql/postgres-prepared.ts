import type pg from "pg";
import { reusedQueryName } from "./reused-query.js";

type Query = (...args: unknown[]) => unknown;

/**
 * PostgreSQL keeps the plans of the hot queries (ReusedQuery) per connection: each is parsed
 * and planned once as a named prepared statement, then only bound and run. Unnamed, every
 * login's three or four statements were parsed and planned again: about 30 % of PostgreSQL's
 * CPU per login and 17 % of the service's (bench:radius, BENCH_COMPARE=BENCH_PREPARED). Any
 * other SQL runs unnamed, as before.
 *
 * Safe across migrations because a reused query names its columns (ReusedQuery refuses
 * `select *` / `returning *`): PostgreSQL re-plans a prepared statement after DDL on its
 * tables, and only a `*` whose columns changed would fail ("cached plan must not change
 * result type"). Behind PgBouncer in transaction mode, prepared statements need PgBouncer
 * 1.21 or later with max_prepared_statements > 0, or DATABASE_PREPARED_STATEMENTS=false.
 */
export function prepareReusedQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as Query;
  (client as unknown as { query: Query }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    const name = typeof text === "string" && Array.isArray(values) && rest.length === 0 ? reusedQueryName(text) : undefined;
    return name ? query({ name, text, values }) : query(text, values, ...rest);
  };
}
