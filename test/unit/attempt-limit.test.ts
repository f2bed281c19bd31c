/** The shared rule of every guess limit: an attempt is counted before it is compared. */
import { describe, expect, it } from "vitest";
import { AttemptLimit } from "../../src/features/shared/attempt-limit.js";
import { FakeClock, MemoryStores } from "./fakes.js";

describe("AttemptLimit", () => {
  it("admits at most max of a concurrent burst, and records the refused ones too", async () => {
    const rates = new MemoryStores();
    const limit = new AttemptLimit(rates, { max: 5, windowMs: 60_000 });
    const now = new FakeClock().now();
    const verdicts = await Promise.all(Array.from({ length: 40 }, () => limit.admit("k", now)));
    // Insert, then count: the k-th recorded sees at least k rows. When every insert lands
    // before any count, none is admitted: the safe side of the race.
    expect(verdicts.filter((v) => v.admitted).length).toBeLessThanOrEqual(5);
    expect(await limit.count("k", now)).toBe(40);
  });

  it("numbers attempts one after another and says how many remain", async () => {
    const limit = new AttemptLimit(new MemoryStores(), { max: 3, windowMs: 60_000 });
    const now = new FakeClock().now();
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await limit.admit("k", now));
    expect(verdicts).toEqual([
      { admitted: true, count: 1, remaining: 2 },
      { admitted: true, count: 2, remaining: 1 },
      { admitted: true, count: 3, remaining: 0 },
      { admitted: false, count: 4 },
    ]);
  });

  it("frees the window as attempts age out, says when, and starts afresh from notBefore", async () => {
    const rates = new MemoryStores();
    const clock = new FakeClock();
    const limit = new AttemptLimit(rates, { max: 3, windowMs: 10 * 60_000 });
    for (let i = 0; i < 3; i++) {
      expect((await limit.admit("k", clock.now())).admitted).toBe(true);
      clock.advance(60);
    }
    expect((await limit.admit("k", clock.now())).admitted).toBe(false);
    // Attempts at minutes 0, 1, 2 and the refused one at 3: two must leave the 10-minute window.
    expect(await limit.minutesUntilFree("k", clock.now())).toBe(9);
    clock.advance(8 * 60);
    expect((await limit.admit("k", clock.now())).admitted).toBe(false);
    // A window that started afresh (a lock ended, a login was accepted) counts from then on.
    clock.advance(60);
    expect(await limit.admit("k", clock.now(), clock.now())).toEqual({ admitted: true, count: 1, remaining: 2 });
    expect(await limit.count("other", clock.now())).toBe(0);
  });
});
