/**
 * The helpdesk channel's pacing: every card post or update goes out at a slot of the same
 * sliding-window limiter the reminder sender uses (Teams, per conversation: 7/1 s, 8/2 s,
 * 60/30 s, 1800/3600 s), one at a time; 429 and 5xx are retried honouring Retry-After, a
 * bounded number of times; anything else is not retried. Driven by a fake clock: waiting
 * moves it, nothing sleeps.
 */
import { describe, expect, it } from "vitest";
import { ChannelPacer } from "../../src/features/helpdesk/channel-pacer.js";
import { ChannelBusyError } from "../../src/features/shared/errors.js";
import { FakeClock } from "./fakes.js";

function pacedClock() {
  const clock = new FakeClock();
  const waits: number[] = [];
  const wait = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms / 1000);
  };
  return { clock, wait, waits, t0: clock.now().getTime() };
}

/** The most of `times` (ms) inside any window of `ms`. */
function mostInWindow(times: number[], ms: number): number {
  let most = 0;
  for (const start of times) most = Math.max(most, times.filter((t) => t >= start && t < start + ms).length);
  return most;
}

describe("ChannelPacer", () => {
  it("sends 100 writes to one conversation within Teams' per-conversation windows, in order", async () => {
    const { clock, wait, t0 } = pacedClock();
    const pacer = new ChannelPacer(clock, wait, { maxWaitMs: 60_000 }); // let it wait for the 30 s window
    const sentAt: number[] = [];
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        pacer.send(async () => {
          sentAt.push(clock.now().getTime() - t0);
          order.push(i);
        }),
      ),
    );
    expect(sentAt).toHaveLength(100);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(mostInWindow(sentAt, 1_000)).toBeLessThanOrEqual(7);
    expect(mostInWindow(sentAt, 2_000)).toBeLessThanOrEqual(8);
    expect(mostInWindow(sentAt, 30_000)).toBeLessThanOrEqual(60);
    // Not slower than it must be: the first 7 at once, the 8th within the 2 s window.
    expect(sentAt.slice(0, 7).every((t) => t === 0)).toBe(true);
  });

  it("retries a 429 no earlier than its Retry-After, and counts the refused request in the window", async () => {
    const { clock, wait, t0 } = pacedClock();
    const pacer = new ChannelPacer(clock, wait);
    const tries: number[] = [];
    const result = await pacer.send(async () => {
      tries.push(clock.now().getTime() - t0);
      if (tries.length < 3) throw new ChannelBusyError("throttled", { status: 429, retryAfterMs: 3_000 });
      return "posted";
    });
    expect(result).toBe("posted");
    expect(tries).toHaveLength(3);
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(3_000);
    expect(tries[2]! - tries[1]!).toBeGreaterThanOrEqual(3_000);
  });

  it("retries a 5xx without Retry-After after a back-off", async () => {
    const { clock, wait, t0 } = pacedClock();
    const pacer = new ChannelPacer(clock, wait);
    const tries: number[] = [];
    await pacer.send(async () => {
      tries.push(clock.now().getTime() - t0);
      if (tries.length === 1) throw new ChannelBusyError("bad gateway", { status: 502 });
    });
    expect(tries).toHaveLength(2);
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(500);
  });

  it("gives up after a bounded number of tries, with the last error", async () => {
    const { clock, wait } = pacedClock();
    const pacer = new ChannelPacer(clock, wait, { maxAttempts: 4 });
    let tries = 0;
    const busy = new ChannelBusyError("throttled", { status: 429, retryAfterMs: 1_000 });
    await expect(
      pacer.send(async () => {
        tries++;
        throw busy;
      }),
    ).rejects.toBe(busy);
    expect(tries).toBe(4);
  });

  it("gives up when the next slot is further away than it may wait (the 60/30 s window full), sending nothing early", async () => {
    const { clock, wait, t0 } = pacedClock();
    const pacer = new ChannelPacer(clock, wait, { maxWaitMs: 15_000 });
    const sentAt: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 70 }, () => pacer.send(async () => void sentAt.push(clock.now().getTime() - t0))),
    );
    expect(mostInWindow(sentAt, 30_000)).toBeLessThanOrEqual(60);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ChannelBusyError);
    expect(sentAt.length + refused.length).toBe(70);
  });

  it("gives up at once rather than wait longer than it may (a Retry-After of ten minutes), without sending early", async () => {
    const { clock, wait, waits } = pacedClock();
    const pacer = new ChannelPacer(clock, wait, { maxWaitMs: 15_000 });
    let tries = 0;
    await expect(
      pacer.send(async () => {
        tries++;
        throw new ChannelBusyError("throttled", { status: 429, retryAfterMs: 600_000 });
      }),
    ).rejects.toBeInstanceOf(ChannelBusyError);
    expect(tries).toBe(1);
    expect(waits.every((ms) => ms <= 15_000)).toBe(true);
    // The hold stays: the next write does not go before Teams said either.
    let sent = false;
    await expect(pacer.send(async () => void (sent = true))).rejects.toBeInstanceOf(ChannelBusyError);
    expect(sent).toBe(false);
  });

  it("does not retry other failures (a 403, a bug)", async () => {
    const { clock, wait } = pacedClock();
    const pacer = new ChannelPacer(clock, wait);
    let tries = 0;
    await expect(
      pacer.send(async () => {
        tries++;
        throw new Error("forbidden");
      }),
    ).rejects.toThrow("forbidden");
    expect(tries).toBe(1);
    // A failed write does not block the next one.
    await expect(pacer.send(async () => "ok")).resolves.toBe("ok");
  });
});
