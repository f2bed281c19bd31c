/**
 * WAL checkpoints on a worker thread (src/adapters/sql/sqlite-wal-checkpointer.ts), on a real
 * SQLite file: frames are copied into the database long before the service's own connection
 * would do it (SQLite's automatic checkpoint, at 1,000 frames).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase, SQLITE_FILE_NAME } from "../../src/adapters/sql/database.js";
import { WalCheckpointer } from "../../src/adapters/sql/sqlite-wal-checkpointer.js";

const dirs: string[] = [];
const opened: Database[] = [];

afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "wal-checkpointer-"));
  dirs.push(dir);
  return dir;
}

/**
 * From the WAL index (the -shm file, https://www.sqlite.org/walformat.html §2.1): the frames in
 * the WAL (mxFrame, offset 16) and how many of them are copied into the database (nBackfill,
 * offset 96), read without a connection, which would checkpoint on its own.
 */
function walProgress(dir: string): { frames: number; copied: number } {
  const index = Buffer.alloc(100);
  const fd = openSync(join(dir, `${SQLITE_FILE_NAME}-shm`), "r");
  try {
    readSync(fd, index, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  // Native byte order: little-endian on the machines this runs on.
  return { frames: index.readUInt32LE(16), copied: index.readUInt32LE(96) };
}

async function writeRows(database: Database, count: number): Promise<void> {
  await sql`create table notes (id integer primary key, body blob not null)`.execute(database.db);
  for (let i = 0; i < count; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) =>
        database.db
          .insertInto("notes" as never)
          .values({ body: Buffer.alloc(3000, i + j) } as never)
          .execute(),
      ),
    );
  }
}

describe("SQLite WAL checkpoints on a worker thread", () => {
  it("copies the service's commits into the database though its own connection would wait for 1,000 frames", async () => {
    const dir = freshDir();
    const errors: Error[] = [];
    const database = await openDatabase(undefined, dir, { groupCommit: true, backgroundCheckpoints: { onError: (e) => errors.push(e) } });
    opened.push(database);
    await writeRows(database, 300);
    const written = walProgress(dir);
    expect(written.frames).toBeGreaterThan(300);
    expect(written.frames).toBeLessThan(1_000);
    const deadline = Date.now() + 5_000;
    while (walProgress(dir).copied < written.frames && Date.now() < deadline) await sleep(20);
    expect(walProgress(dir).copied).toBeGreaterThanOrEqual(written.frames);
    expect(errors).toEqual([]);

    // Closing ends the worker and its connection; every row is in the database.
    await database.close();
    opened.splice(0);
    const reader = new BetterSqlite3(join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect(reader.prepare("select count(*) as n from notes").get()).toEqual({ n: 300 });
    } finally {
      reader.close();
    }
  });

  it("without it, nothing is copied before 1,000 frames (what the test above tells apart)", async () => {
    const dir = freshDir();
    const database = await openDatabase(undefined, dir, { groupCommit: true });
    opened.push(database);
    await writeRows(database, 300);
    await sleep(200);
    expect(walProgress(dir).copied).toBe(0);
  });

  it("reports a worker that cannot work, and still stops cleanly", async () => {
    const failures: Error[] = [];
    const checkpointer = WalCheckpointer.start(join(freshDir(), "missing.sqlite"), { onError: (error) => failures.push(error) });
    await checkpointer.stop();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(Error);
    expect(failures[0]!.message).toMatch(/^SQLITE_CANTOPEN: /);
  });
});
