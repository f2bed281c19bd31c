import { describe, expect, it } from "vitest";
import { earliestAt, KeyedBatcher, loneCall } from "../../src/adapters/sql/keyed-batcher.js";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

interface Hit {
  key: string;
  at: Date;
  windowMs: number;
}

/** Counts per key in memory, numbering a key's hits in a batch as the rate counter does, and records each batch. */
function countingBatcher(maxKeys?: number) {
  const totals = new Map<string, number>();
  const batches: string[][] = [];
  const batcher = new KeyedBatcher<Hit, number, number>({
    write: async (hits) => {
      batches.push([...hits].map(([key, calls]) => `${key}×${calls.length}@${earliestAt(calls).getTime() - at(0).getTime()}`));
      for (const [key, calls] of hits) totals.set(key, (totals.get(key) ?? 0) + calls.length);
      return new Map([...hits.keys()].map((key) => [key, totals.get(key)!]));
    },
    answer: (total, index, count) => total! - count + 1 + index,
    joins: (first, hit) => hit.windowMs === first.windowMs,
    maxKeys,
  });
  return { batcher, batches };
}

describe("KeyedBatcher (PostgreSQL's hot counting writes, one statement per batch)", () => {
  it("writes the calls of one event-loop turn together, one row per key, answered in call order", async () => {
    const { batcher, batches } = countingBatcher();
    const counts = await Promise.all([
      batcher.run({ key: "a", at: at(5), windowMs: 60_000 }),
      batcher.run({ key: "a", at: at(3), windowMs: 60_000 }),
      batcher.run({ key: "b", at: at(4), windowMs: 60_000 }),
      batcher.run({ key: "a", at: at(6), windowMs: 60_000 }),
    ]);
    expect(counts).toEqual([1, 2, 1, 3]);
    expect(batches).toEqual([["a×3@3", "b×1@4"]]);
  });

  it("starts a write when the turn ends; the calls made while it is under way go together in the next", async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const batcher = new KeyedBatcher<{ key: string }, number, number>({
      write: async (calls) => {
        batches.push([...calls.keys()]);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return new Map([...calls.keys()].map((key) => [key, 1]));
      },
      answer: (n) => n!,
    });
    const first = batcher.run({ key: "a" });
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([["a"]]);
    const later = [batcher.run({ key: "c" }), batcher.run({ key: "b" })];
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 1, 1]);
    expect(batches).toEqual([["a"], ["b", "c"]]);
  });

  it("takes into a batch only the calls that join the oldest one, at most maxKeys keys; the rest wait, in order", async () => {
    const { batcher, batches } = countingBatcher(2);
    await Promise.all([
      batcher.run({ key: "first", at: at(0), windowMs: 60_000 }),
      batcher.run({ key: "a", at: at(1), windowMs: 60_000 }),
      batcher.run({ key: "sms", at: at(1), windowMs: 3_600_000 }),
      batcher.run({ key: "b", at: at(1), windowMs: 60_000 }),
      batcher.run({ key: "c", at: at(1), windowMs: 60_000 }),
      batcher.run({ key: "a", at: at(2), windowMs: 60_000 }),
    ]);
    expect(batches).toEqual([["a×2@1", "first×1@0"], ["sms×1@1"], ["b×1@1", "c×1@1"]]);
  });

  it("with onePerKey, a key's second call waits for the next batch", async () => {
    const batches: string[][] = [];
    const batcher = new KeyedBatcher<{ key: string; step: number }, number, number>({
      write: async (calls) => {
        batches.push([...calls].map(([key, [call]]) => `${key}:${call!.step}`));
        return new Map([...calls].map(([key, [call]]) => [key, call!.step]));
      },
      answer: (step) => step!,
      onePerKey: true,
    });
    await Promise.all([
      batcher.run({ key: "t1", step: 1 }),
      batcher.run({ key: "t1", step: 2 }),
      batcher.run({ key: "t2", step: 3 }),
      batcher.run({ key: "t1", step: 4 }),
    ]);
    expect(batches).toEqual([["t1:1", "t2:3"], ["t1:2"], ["t1:4"]]);
  });

  it("hands the keys to the write sorted, and tries a write again that retryWhen names (at most three times in all)", async () => {
    const seen: string[][] = [];
    let deadlocks = 1;
    const batcher = new KeyedBatcher<Hit, number, number>({
      write: async (hits) => {
        seen.push([...hits.keys()]);
        if (deadlocks-- > 0) throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
        return new Map([...hits].map(([key, calls]) => [key, calls.length]));
      },
      answer: (total) => total!,
      retryWhen: (error) => (error as { code?: string }).code === "40P01",
    });
    expect(await batcher.run({ key: "z", at: at(0), windowMs: 1 })).toBe(1);
    expect(await Promise.all(["c", "a", "b"].map((key) => batcher.run({ key, at: at(0), windowMs: 1 })))).toEqual([1, 1, 1]);
    expect(seen).toEqual([["z"], ["z"], ["a", "b", "c"]]);
    deadlocks = 5;
    await expect(batcher.run({ key: "a", at: at(1), windowMs: 1 })).rejects.toThrow("deadlock");
    expect(seen).toHaveLength(6);
  });

  it("names a batch's only call (its write can be the one-row statement)", () => {
    const call = { key: "a", at: at(0), windowMs: 1 };
    expect(loneCall(new Map([["a", [call]]]))).toBe(call);
    expect(loneCall(new Map([["a", [call, call]]]))).toBeUndefined();
    expect(
      loneCall(
        new Map([
          ["a", [call]],
          ["b", [call]],
        ]),
      ),
    ).toBeUndefined();
  });

  it("fails every call of a failed batch with the write's error (and one its answer refuses), then goes on", async () => {
    let fail = true;
    const batcher = new KeyedBatcher<Hit, number, number>({
      write: async (hits) => {
        if (fail) throw new Error("database down");
        return new Map([...hits].filter(([key]) => key !== "lost").map(([key, calls]) => [key, calls.length]));
      },
      answer: (total) => {
        if (total === undefined) throw new Error("not returned");
        return total;
      },
    });
    const down = await Promise.allSettled([
      batcher.run({ key: "a", at: at(0), windowMs: 1 }),
      batcher.run({ key: "b", at: at(0), windowMs: 1 }),
    ]);
    expect(down.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(batcher.run({ key: "lost", at: at(1), windowMs: 1 })).rejects.toThrow("not returned");
    expect(await batcher.run({ key: "a", at: at(1), windowMs: 1 })).toBe(1);
  });
});
