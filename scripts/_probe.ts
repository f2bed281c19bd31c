import { ConfigurationBotFrameworkAuthentication, CloudAdapter } from "botbuilder";
import { BotReminderSender } from "../src/bot/edge/reminder-sender.js";
import { parseCampaign } from "../src/features/reminders/campaign.js";
import { RateLimitedConnector } from "../test/support/rate-limited-connector.js";
import { writeHeapSnapshot } from "node:v8";
const c = await RateLimitedConnector.start({ global: [{ limit: 100000, ms: 1000 }], keepActivities: false });
const sender = new BotReminderSender(new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), "");
const campaign = parseCampaign({ id: "p", audience: { upns: ["a@b.se"] }, start: "2020-01-01", deadline: "2099-12-31" });
const heap = () => { (globalThis as any).gc(); return Math.round(process.memoryUsage().heapUsed / 1048576); };
console.log("start", heap());
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < 2000; i++) {
    await sender.send({ reference: { channelId: "msteams", serviceUrl: c.url, conversation: { id: `a:p-${round}-${i}` }, bot: { id: "28:bot" }, user: { id: "29:x" } }, locale: "sv", campaign, round: "0.0", snoozesLeft: 3 });
  }
  console.log("after", (round + 1) * 2000, heap());
}
if (process.env.SNAP) writeHeapSnapshot("/tmp/sim14r/probe.heapsnapshot");
await c.stop();
