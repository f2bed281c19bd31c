/**
 * npm run bench:reminders  (BENCH_USERS=10000, BENCH_WORKERS=8, BENCH_LATENCY_MS=0, REMINDER_MARGIN_MS=limiter default)
 *
 * A 10,000-user campaign through the real CloudAdapter (local mode) to the rate-limiting
 * Bot Connector stand-in (50/s enforced). Prints throughput as a fraction of that ceiling,
 * duplicates, losses and peak RSS. Not a test: it takes ~200 s by design.
 */
import { ConfigurationBotFrameworkAuthentication, CloudAdapter } from "botbuilder";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqlStores, migrateToLatest, openDatabase } from "../src/adapters/sql/index.js";
import { SqlReminderStore } from "../src/adapters/sql/reminder-store.js";
import { BotReminderSender } from "../src/bot/reminder-sender.js";
import { parseCampaign } from "../src/domain/reminders/campaign.js";
import { runCampaign } from "../src/domain/reminders/campaign-runner.js";
import { realWait, type ProactiveSender } from "../src/domain/reminders/ports.js";
import { RateLimiter } from "../src/domain/reminders/rate-limiter.js";
import { systemClock } from "../src/ports/clock.js";
import { RateLimitedConnector } from "../test/support/rate-limited-connector.js";

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const CEILING = 50;
const MARGIN_MS = process.env.REMINDER_MARGIN_MS === undefined ? undefined : Number(process.env.REMINDER_MARGIN_MS);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "reminders-bench-"));
  const connector = await RateLimitedConnector.start({ latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 0) });
  const database = await openDatabase(undefined, dir);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  try {
    await migrateToLatest(database.db);
    const stores = createSqlStores(database);
    const members = Array.from({ length: USERS }, (_, i) => ({ upn: `b${i}@region.se`, loginName: `b${i}` }));
    for (const [i, m] of members.entries()) {
      await stores.conversationRefs.upsert({
        userKey: `aad-b${i}`,
        upn: m.upn,
        locale: i % 4 === 0 ? "en" : "sv",
        reference: { channelId: "msteams", serviceUrl: connector.url, conversation: { id: `a:bench-${i}` }, bot: { id: "28:bot" }, user: { id: `29:b${i}` } },
        updatedAt: new Date(),
      });
    }
    const campaign = parseCampaign({ id: "bench", audience: { upns: members.map((m) => m.upn) }, start: "2020-01-01", deadline: "2099-12-31" });
    // Round trips of the sends (request out → answer in), to see what the limiter's settling costs.
    const botSender = new BotReminderSender(new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), "");
    const roundTrips: number[] = [];
    const sender: ProactiveSender = {
      send: async (message) => {
        const t0 = performance.now();
        const outcome = await botSender.send(message);
        roundTrips.push(performance.now() - t0);
        return outcome;
      },
    };
    const started = performance.now();
    const result = await runCampaign(
      campaign,
      {
        store: new SqlReminderStore(database.db),
        sender,
        tokens: stores.tokens,
        conversations: stores.conversationRefs,
        clock: systemClock,
        wait: realWait,
        limiter: new RateLimiter(MARGIN_MS === undefined ? {} : { marginMs: MARGIN_MS }),
        audience: async () => ({ members, unknown: [] }),
      },
      { ignoreWindow: true, untilComplete: true, workers: WORKERS },
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const first = connector.acceptedAt[0] ?? 0;
    const last = connector.acceptedAt.at(-1) ?? 0;
    // The best possible schedule sends 50 at once and then 50 per second: N requests need (N - 50) / 50 s.
    const sendingSeconds = (last - first) / 1000;
    const ideal = Math.max(0, USERS - CEILING) / CEILING;
    let duplicates = 0;
    let lost = 0;
    for (let i = 0; i < USERS; i++) {
      const n = connector.count(`a:bench-${i}`);
      if (n === 0) lost++;
      if (n > 1) duplicates += n - 1;
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    roundTrips.sort((a, b) => a - b);
    const percentile = (p: number) => Number((roundTrips[Math.min(roundTrips.length - 1, Math.floor(p * roundTrips.length))] ?? 0).toFixed(1));
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
        maxAcceptedIn1s: connector.maxInWindow(1_000),
        limit429: connector.stats.limited429,
        peakRssMb: Math.round(peakRss / 1024 / 1024),
        marginMs: MARGIN_MS ?? "default",
        roundTripMs: { p50: percentile(0.5), p99: percentile(0.99), max: percentile(1) },
      }),
    );
  } finally {
    clearInterval(sampler);
    await connector.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
