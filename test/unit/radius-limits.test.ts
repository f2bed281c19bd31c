/** Retransmission cache, per-client ceiling and rate-limited drop logging, on a fake clock. */
import { pino } from "pino";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ClientRateLimit } from "../../src/radius/client-rate-limit.js";
import { RateLimitedLog } from "../../src/radius/rate-limited-log.js";
import { RetransmissionCache, retransmissionKey } from "../../src/radius/retransmission-cache.js";
import { FakeClock } from "./fakes.js";

describe("RetransmissionCache", () => {
  it("evaluates a request once and hands the same answer to its retransmissions, pending or done", async () => {
    const cache = new RetransmissionCache<string>(new FakeClock());
    let evaluations = 0;
    let finish: (value: string) => void = () => undefined;
    const evaluate = () => {
      evaluations++;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const first = cache.answer("k", evaluate);
    const whilePending = cache.answer("k", evaluate);
    expect(whilePending).toEqual({ answer: first.answer, retransmission: true });
    finish("accept");
    expect(await cache.answer("k", evaluate).answer).toBe("accept");
    expect(evaluations).toBe(1);
  });

  it("forgets a request after the window, counted from its answer", async () => {
    const clock = new FakeClock();
    const cache = new RetransmissionCache<string>(clock, 10_000);
    let evaluations = 0;
    const evaluate = async () => `answer ${++evaluations}`;
    await cache.answer("k", evaluate).answer;
    clock.advance(9);
    expect(cache.answer("k", evaluate).retransmission).toBe(true);
    clock.advance(2);
    expect(await cache.answer("k", evaluate).answer).toBe("answer 2");
  });

  it("keeps at most maxEntries, dropping the oldest", () => {
    const cache = new RetransmissionCache<string>(new FakeClock(), 10_000, 3);
    for (const key of ["a", "b", "c", "d"]) cache.answer(key, async () => key);
    expect(cache.size).toBe(3);
    expect(cache.answer("a", async () => "again").retransmission).toBe(false);
    expect(cache.answer("d", async () => "again").retransmission).toBe(true);
  });

  it("drops expired entries as requests come, never a key's newer answer for its older place", async () => {
    const clock = new FakeClock();
    const cache = new RetransmissionCache<string>(clock, 1_000, 3);
    await cache.answer("a", async () => "first").answer;
    clock.advance(2);
    // "a" again after its window: evaluated anew, and its first place in the queue must not evict the new entry.
    expect(await cache.answer("a", async () => "second").answer).toBe("second");
    cache.answer("b", async () => "b");
    expect(cache.answer("a", async () => "third").retransmission).toBe(true);
    for (let i = 0; i < 5_000; i++) {
      cache.answer(`k${i}`, async () => "x");
      clock.advance(0.5);
    }
    // One second's worth (two requests) is live; everything older went, oldest first.
    expect(cache.size).toBeLessThanOrEqual(3);
    expect(cache.answer("k4999", async () => "again").retransmission).toBe(true);
  });

  it("keys on client, source address, port, Identifier and Request Authenticator", () => {
    const authenticator = Buffer.alloc(16, 1);
    const base = retransmissionKey("nsg1", "10.0.0.1", 40000, 7, authenticator);
    expect(
      new Set([
        base,
        retransmissionKey("nsg2", "10.0.0.1", 40000, 7, authenticator),
        retransmissionKey("nsg1", "10.0.0.2", 40000, 7, authenticator),
        retransmissionKey("nsg1", "10.0.0.1", 40001, 7, authenticator),
        retransmissionKey("nsg1", "10.0.0.1", 40000, 8, authenticator),
        retransmissionKey("nsg1", "10.0.0.1", 40000, 7, Buffer.alloc(16, 2)),
      ]).size,
    ).toBe(6);
    expect(retransmissionKey("nsg1", "10.0.0.1", 40000, 7, Buffer.alloc(16, 1))).toBe(base);
  });
});

describe("ClientRateLimit", () => {
  it("allows a second's worth at once, then refills at the rate, per client", () => {
    const clock = new FakeClock();
    const limit = new ClientRateLimit(3, clock);
    expect([1, 2, 3, 4].map(() => limit.allow("nsg1"))).toEqual([true, true, true, false]);
    expect(limit.allow("nsg2")).toBe(true);
    clock.advance(0.5);
    expect([limit.allow("nsg1"), limit.allow("nsg1")]).toEqual([true, false]);
    clock.advance(60);
    expect([1, 2, 3, 4].map(() => limit.allow("nsg1"))).toEqual([true, true, true, false]);
  });

  it("refuses a ceiling below one request a second", () => {
    expect(() => new ClientRateLimit(0, new FakeClock())).toThrow(RangeError);
    expect(() => new ClientRateLimit(Number.NaN, new FakeClock())).toThrow(RangeError);
  });
});

describe("RateLimitedLog", () => {
  it("logs a kind at most once per interval, then says how many it left out", () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const clock = new FakeClock();
    const log = new RateLimitedLog(pino(stream), clock, 10_000);
    for (let i = 0; i < 5; i++) log.warn("malformed", { i }, "dropped");
    log.warn("unknownClient", { address: "10.9.9.9" }, "dropped");
    clock.advance(10);
    log.warn("malformed", { i: 99 }, "dropped");
    expect(lines.map(({ drop, i, notLogged }) => ({ drop, i, notLogged }))).toEqual([
      { drop: "malformed", i: 0, notLogged: undefined },
      { drop: "unknownClient", i: undefined, notLogged: undefined },
      { drop: "malformed", i: 99, notLogged: 4 },
    ]);
  });
});
