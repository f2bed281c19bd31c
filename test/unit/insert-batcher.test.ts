import { describe, expect, it } from "vitest";
import { InsertBatcher } from "../../src/adapters/sql/insert-batcher.js";

describe("InsertBatcher (group commit of append-only rows)", () => {
  it("writes the rows of one event-loop turn together, and the rows added during a write together in the next, in order", async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new InsertBatcher<number>(async (rows) => {
      writes.push(rows);
      if (rows[0] === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = [1, 2].map((n) => batcher.add(n));
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([[1, 2]]);
    const rest = [3, 4].map((n) => batcher.add(n));
    release();
    await Promise.all([...first, ...rest]);
    expect(writes).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("fails the rows of a failed write only, and keeps writing after it", async () => {
    const batcher = new InsertBatcher<string>(async (rows) => {
      if (rows.includes("bad")) throw new Error("constraint");
    }, 2);
    const results = await Promise.allSettled([batcher.add("a"), batcher.add("bad"), batcher.add("c"), batcher.add("d"), batcher.add("e")]);
    // ["a", "bad"] (at most two a write), then ["c", "d"], then ["e"].
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    await expect(batcher.add("f")).resolves.toBeUndefined();
  });
});
