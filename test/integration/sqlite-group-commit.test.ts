/**
 * SQLite group commit (src/adapters/sql/sqlite-group-commit.ts) on a real database file:
 * the writes of one event-loop turn share a commit, and none reports before it is committed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase, SQLITE_FILE_NAME } from "../../src/adapters/sql/database.js";

const dirs: string[] = [];
const opened: Database[] = [];

async function freshDatabase(): Promise<{ database: Database; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), "group-commit-"));
  dirs.push(dir);
  const database = await openDatabase(undefined, dir, { busyTimeoutMs: 2000, groupCommit: true });
  opened.push(database);
  await sql`create table notes (id integer primary key, text text not null unique)`.execute(database.db);
  return { database, file: join(dir, SQLITE_FILE_NAME) };
}

/** What another connection (another process, in production) sees: only committed rows. */
function committedTexts(file: string): string[] {
  const reader = new BetterSqlite3(file, { readonly: true });
  try {
    return (reader.prepare("select text from notes order by id").all() as { text: string }[]).map((row) => row.text);
  } finally {
    reader.close();
  }
}

const insert = (database: Database, text: string) =>
  database.db
    .insertInto("notes" as never)
    .values({ text } as never)
    .execute();

afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("SQLite group commit", () => {
  it("reports each write only once it is committed, with the turn's other writes in the same commit", async () => {
    const { database, file } = await freshDatabase();
    const seenWhenReported: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => insert(database, `note ${i}`).then(() => seenWhenReported.push(committedTexts(file).length))),
    );
    // Every statement reported after the one commit that holds all fifty.
    expect(seenWhenReported).toEqual(Array(50).fill(50));
  });

  it("a statement that fails undoes only itself; the rest of its batch commits", async () => {
    const { database, file } = await freshDatabase();
    const results = await Promise.allSettled([insert(database, "a"), insert(database, "a"), insert(database, "b")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(committedTexts(file)).toEqual(["a", "b"]);
  });

  it("a failed commit fails every statement in it, and none of their writes stays", async () => {
    const { database, file } = await freshDatabase();
    // A deferred foreign key is checked at COMMIT: one bad row makes the whole commit fail.
    await sql`create table children (id integer primary key, parent integer references notes(id) deferrable initially deferred)`.execute(
      database.db,
    );
    await sql`pragma foreign_keys = on`.execute(database.db);
    const results = await Promise.allSettled([
      insert(database, "kept only if the commit holds"),
      sql`insert into children (parent) values (999)`.execute(database.db),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(committedTexts(file)).toEqual([]);
    // The connection is usable again afterwards.
    await insert(database, "after");
    expect(committedTexts(file)).toEqual(["after"]);
  });

  it("a transaction commits the batch before it, and plain writes meanwhile wait for it instead of joining it", async () => {
    const { database, file } = await freshDatabase();
    const before = insert(database, "before");
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transaction = database.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto("notes" as never)
          .values({ text: "rolled back" } as never)
          .execute();
        await gate;
        throw new Error("the transaction fails");
      })
      .catch((error: Error) => error.message);
    await before;
    const during = insert(database, "during");
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect(await transaction).toBe("the transaction fails");
    await during;
    expect(committedTexts(file)).toEqual(["before", "during"]);
  });

  it("two connections of one process writing at once both get through (waiting for the lock does not block the event loop)", async () => {
    const { database: first, file } = await freshDatabase();
    const second = await openDatabase(undefined, join(file, ".."), { busyTimeoutMs: 2000, groupCommit: true });
    opened.push(second);
    await Promise.all(Array.from({ length: 40 }, (_, i) => insert(i % 2 === 0 ? first : second, `note ${i}`)));
    expect(committedTexts(file)).toHaveLength(40);
  });
});
