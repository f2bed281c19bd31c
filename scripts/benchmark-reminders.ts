/**
 * npm run bench:reminders  (BENCH_USERS=10000, BENCH_WORKERS=8, BENCH_LATENCY_MS=0, BENCH_TRANSIT_MS=0,
 * BENCH_JITTER_MS=50, BENCH_STALL=0.01, BENCH_RATE=50; REMINDER_COUNT_FROM and REMINDER_MARGIN_MS as
 * in production: send, and the limiter's default margin)
 *
 * Compiled and run with plain node --max-old-space-size=512, as the campaign CLI runs in production
 * (package.json), so that its memory is the sender's and not tsx's.
 *
 * A 10,000-user campaign through the real CloudAdapter (local mode) to the rate-limiting
 * Bot Connector stand-in (50/s enforced), in a process of its own. By default it is the issue's
 * stand-in: it counts each request on arrival, then waits 0–BENCH_JITTER_MS before handling it
 * and 0–BENCH_JITTER_MS more before answering, stalling a leg for 200 ms with probability
 * BENCH_STALL. BENCH_TRANSIT_MS=50 makes it stricter: it counts a request only after 0–50 ms of
 * random transit. Prints 429s per request, throughput as a fraction of the ceiling, duplicates,
 * losses, peak RSS (of this, the sender's, process) and memory at each stage. Not a test: it
 * takes ~200 s by design.
 */
import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { mkdtempSync, rmSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqlStores, migrateToLatest, openDatabase } from "../src/adapters/sql/index.js";
import { SqlReminderStore } from "../src/adapters/sql/reminder-store.js";
import { BotReminderSender, reminderAdapter } from "../src/bot/edge/reminder-sender.js";
import { parseCampaign } from "../src/features/reminders/campaign.js";
import { runCampaign } from "../src/features/reminders/campaign-runner.js";
import { type ProactiveSender } from "../src/ports/reminders.js";
import { realWait } from "../src/adapters/real-time.js";
import { type CountFrom, RateLimiter } from "../src/features/reminders/rate-limiter.js";
import { systemClock } from "../src/adapters/real-time.js";
import { ConnectorProcess } from "../test/support/rate-limited-connector-process.js";

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
/** Teams' 50/s; BENCH_RATE raises it in the stand-in and the limiter alike (e.g. a quick 100,000-person memory run). */
const CEILING = Number(process.env.BENCH_RATE ?? 50);
const JITTER_MS = Number(process.env.BENCH_JITTER_MS ?? 50);
/** 0: the stand-in counts a request at arrival (the issue's); e.g. 50: after 0–50 ms of transit (stricter). */
const TRANSIT_MS = Number(process.env.BENCH_TRANSIT_MS ?? 0);
const STALL = Number(process.env.BENCH_STALL ?? 0.01);
const MARGIN_MS = process.env.REMINDER_MARGIN_MS === undefined ? undefined : Number(process.env.REMINDER_MARGIN_MS);
/** As in production (REMINDER_COUNT_FROM, default send: from the send plus the margin); answer: from the answer. */
const COUNT_FROM: CountFrom = process.env.REMINDER_COUNT_FROM === "answer" ? "answer" : "send";

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "reminders-bench-"));
  const connector = await ConnectorProcess.start({
    global: [{ limit: CEILING, ms: 1_000 }],
    latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 0),
    transitMs: TRANSIT_MS,
    jitterMs: JITTER_MS,
    stallProbability: STALL,
    keepActivities: false,
  });
  const database = await openDatabase(undefined, dir);
  // Peak RSS (and heap) of this, the sender's, process, sampled; and a snapshot at each stage.
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const peak = { rssMb: 0, heapUsedMb: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rssMb = Math.max(peak.rssMb, mb(m.rss));
    peak.heapUsedMb = Math.max(peak.heapUsedMb, mb(m.heapUsed));
    return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed) };
  };
  const stage = () => {
    (globalThis as { gc?: () => void }).gc?.(); // with --expose-gc: the live heap, not the garbage not yet collected
    return sample();
  };
  const stages: Record<string, { rssMb: number; heapUsedMb: number }> = { loaded: stage() };
  const sampler = setInterval(sample, 100);
  try {
    await migrateToLatest(database.db);
    const stores = createSqlStores(database);
    const members = Array.from({ length: USERS }, (_, i) => ({ upn: `b${i}@region.se`, loginName: `b${i}` }));
    for (const [i, m] of members.entries()) {
      await stores.conversationRefs.upsert({
        userKey: `aad-b${i}`,
        upn: m.upn,
        locale: i % 4 === 0 ? "en" : "sv",
        reference: {
          channelId: "msteams",
          serviceUrl: connector.url,
          conversation: { id: `a:bench-${i}` },
          bot: { id: "28:bot" },
          user: { id: `29:b${i}` },
        },
        updatedAt: new Date(),
      });
    }
    stages.seeded = stage();
    const campaign = parseCampaign({
      id: "bench",
      audience: { upns: members.map((m) => m.upn) },
      start: "2020-01-01",
      deadline: "2099-12-31",
    });
    // Round trips of the sends (request out → answer in), to see what the limiter's settling costs.
    const botSender = new BotReminderSender(reminderAdapter(new ConfigurationBotFrameworkAuthentication({})), "");
    const roundTrips: number[] = [];
    // Where the milliseconds of each 1 s window go: how late a request leaves after its slot,
    // how long the limiter's global slot sat unused because no worker was ready, and how long
    // the loop is blocked (synchronous SQLite) — see `timing` in the output.
    const limiter = new RateLimiter({
      global: [{ limit: CEILING, ms: 1_000 }],
      countFrom: COUNT_FROM,
      ...(MARGIN_MS === undefined ? {} : { marginMs: MARGIN_MS }),
    });
    // Counting from the send, 429s widen the margin for a while: the widest it got.
    let widestMarginMs = limiter.currentMarginMs;
    const throttled = limiter.throttled.bind(limiter);
    limiter.throttled = (sentAt, now) => {
      throttled(sentAt, now);
      widestMarginMs = Math.max(widestMarginMs, limiter.currentMarginMs);
    };
    const slotOf = new Map<string, number>();
    const lateness: number[] = [];
    let inflight = 0;
    const inflightAtSend: number[] = [];
    let idleSlotMs = 0;
    const globalLog = (limiter as unknown as { global: { earliest(at: number): number } }).global;
    const reserve = limiter.reserve.bind(limiter);
    limiter.reserve = (key, now) => {
      const free = globalLog.earliest(0); // when the global slot became free (0: no window yet)
      if (free > 0 && now > free) idleSlotMs += now - free;
      const slot = reserve(key, now);
      slotOf.set(key, slot.at);
      return slot;
    };
    const sender: ProactiveSender = {
      send: async (message) => {
        const key = (message.reference as { conversation?: { id?: string } }).conversation?.id ?? "";
        lateness.push(Date.now() - (slotOf.get(key) ?? Date.now()));
        slotOf.delete(key);
        const t0 = performance.now();
        inflightAtSend.push(inflight++);
        const outcome = await botSender.send(message);
        inflight--;
        roundTrips.push(performance.now() - t0);
        return outcome;
      },
    };
    const dbMs: Record<string, { n: number; ms: number }> = {};
    const timed = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get(obj, prop, receiver) {
          const value = Reflect.get(obj, prop, receiver) as unknown;
          if (typeof value !== "function") return value;
          return async (...args: unknown[]) => {
            const t0 = performance.now();
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
            } finally {
              const entry = (dbMs[`${name}.${String(prop)}`] ??= { n: 0, ms: 0 });
              entry.n++;
              entry.ms += performance.now() - t0;
            }
          };
        },
      });
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const started = performance.now();
    const result = await runCampaign(
      campaign,
      {
        store: timed("store", new SqlReminderStore(database.db)),
        sender,
        tokens: timed("tokens", stores.tokens),
        conversations: timed("conversations", stores.conversationRefs),
        clock: systemClock,
        wait: realWait,
        limiter,
        audience: async () => ({ members, unknown: [] }),
      },
      { ignoreWindow: true, untilComplete: true, workers: WORKERS },
    );
    const wallSeconds = (performance.now() - started) / 1000;
    stages.sent = stage();
    loopDelay.disable();
    const server = await connector.summary("a:bench-", USERS);
    const first = server.firstAcceptedAt;
    const last = server.lastAcceptedAt;
    // The best possible schedule sends 50 at once and then 50 per second: N requests need (N - 50) / 50 s.
    const sendingSeconds = (last - first) / 1000;
    const ideal = Math.max(0, USERS - CEILING) / CEILING;
    const { duplicates, lost } = server;
    sample();
    // Requests already in flight when one left → [how many such sends, their mean round trip]: concurrency on the one loop inflates round trips.
    const byInFlight: Record<number, { n: number; ms: number }> = {};
    inflightAtSend.forEach((c, i) => {
      const e = (byInFlight[c] ??= { n: 0, ms: 0 });
      e.n++;
      e.ms += roundTrips[i]!;
    });
    roundTrips.sort((a, b) => a - b);
    const percentile = (p: number) =>
      Number((roundTrips[Math.min(roundTrips.length - 1, Math.floor(p * roundTrips.length))] ?? 0).toFixed(1));
    console.log(
      JSON.stringify({
        users: USERS,
        workers: WORKERS,
        sent: result.report.sent,
        failed: result.report.failed,
        duplicates,
        lost,
        sendingSeconds: Number(sendingSeconds.toFixed(2)),
        wallSeconds: Number(wallSeconds.toFixed(2)),
        throughputPerSecond: Number((USERS / sendingSeconds).toFixed(2)),
        fractionOfCeiling: Number((ideal / sendingSeconds).toFixed(4)),
        fractionOfCeilingWall: Number((USERS / wallSeconds / CEILING).toFixed(4)),
        maxAcceptedIn1s: server.maxAcceptedIn1s,
        limit429: server.stats.limited429,
        requests: server.stats.requests,
        limit429PerRequest: Number((server.stats.limited429 / Math.max(1, server.stats.requests)).toFixed(4)),
        jitter: { transitMs: TRANSIT_MS, ms: JITTER_MS, stallProbability: STALL },
        peakRssMb: peak.rssMb,
        memory: { peakHeapUsedMb: peak.heapUsedMb, ...stages },
        countFrom: COUNT_FROM,
        marginMs: { setting: MARGIN_MS ?? "default", widest: widestMarginMs, atEnd: limiter.currentMarginMs },
        roundTripMs: { p50: percentile(0.5), p99: percentile(0.99), max: percentile(1), mean: Number(mean(roundTrips).toFixed(2)) },
        timing: {
          sendAfterSlotMs: {
            mean: Number(mean(lateness).toFixed(2)),
            p99: Number(([...lateness].sort((a, b) => a - b)[Math.floor(0.99 * lateness.length)] ?? 0).toFixed(1)),
          },
          roundTripByInFlight: Object.fromEntries(Object.entries(byInFlight).map(([k, v]) => [k, [v.n, Number((v.ms / v.n).toFixed(2))]])),
          idleSlotMsPerSecond: Number((idleSlotMs / sendingSeconds).toFixed(2)),
          loopDelayMs: {
            mean: Number((loopDelay.mean / 1e6).toFixed(2)),
            p99: Number((loopDelay.percentile(99) / 1e6).toFixed(2)),
            max: Number((loopDelay.max / 1e6).toFixed(2)),
          },
          dbCalls: Object.fromEntries(
            Object.entries(dbMs)
              .filter(([, v]) => v.n > 0)
              .map(([k, v]) => [k, { n: v.n, msPerCall: Number((v.ms / v.n).toFixed(3)) }]),
          ),
        },
      }),
    );
  } finally {
    clearInterval(sampler);
    await connector.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
