/**
 * The helpdesk channel's card posts through real botbuilder (CloudAdapter, no Bot Framework
 * authentication: local mode) against a stand-in Bot Connector that answers 429/5xx on
 * demand: each post is exactly one request (the SDK's own retries are off, so the pacer
 * sees every 429), a failure becomes ChannelBusyError with Retry-After or
 * ChannelDeliveryError, and the ChannelPacer retries the busy ones until the card is posted.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerQrImages } from "../../src/adapters/qr/worker-qr-images.js";
import { createLogger } from "../../src/adapters/logger.js";
import { BotHelpdeskNotifier } from "../../src/bot/edge/helpdesk-notifier.js";
import { ChannelBusyError, ChannelDeliveryError } from "../../src/features/shared/errors.js";
import { ChannelPacer } from "../../src/features/helpdesk/channel-pacer.js";
import type { TicketView } from "../../src/ports/ticket-view.js";
import { realWait } from "../../src/adapters/real-time.js";
import { systemClock } from "../../src/adapters/real-time.js";
import type { ConversationRefStore } from "../../src/ports/stores.js";
import { RateLimitedConnector } from "../support/rate-limited-connector.js";

const CHANNEL = "19:helpdesk@thread.tacv2";
const view: TicketView = {
  ticketId: "ticket-1",
  status: "open",
  upn: "alexw@example.com",
  displayName: "Alex Wilber",
  directory: { found: "unavailable" },
  logins: {},
  token: { status: "unknown" },
  questions: [{ text: "Hjälp", at: "2026-11-25T09:00:00.000Z" }],
  createdAt: "2026-11-25T09:00:00.000Z",
  updatedAt: "2026-11-25T09:00:00.000Z",
};
const noConversations: ConversationRefStore = { upsert: async () => undefined, get: async () => null, findByUpn: async () => null };

let connector: RateLimitedConnector;
let notifier: BotHelpdeskNotifier;

beforeAll(async () => {
  connector = await RateLimitedConnector.start({ retryAfterSeconds: 1 });
  notifier = new BotHelpdeskNotifier(
    new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
    noConversations,
    {
      appId: "",
      channelId: CHANNEL,
      serviceUrl: connector.url,
      locale: "sv",
      botSettings: { citrixUrl: "https://citrix.example", smsCodeTtlSeconds: 300, loginMode: "otp", qrImages: new WorkerQrImages() },
    },
    createLogger("silent"),
  );
});

afterAll(async () => {
  await connector?.stop();
});

describe("helpdesk channel posts over botbuilder (stand-in connector)", () => {
  it("a 429 is one request and becomes ChannelBusyError with Retry-After (the SDK does not retry on its own)", async () => {
    const before = connector.stats.requests;
    connector.failNext(CHANNEL, 429);
    const error = await notifier.postTicketCard(view).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelBusyError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 1_000 });
    expect(connector.stats.requests - before).toBe(1);
  });

  it("a 503 is busy too; a 403 is a delivery error, not retried", async () => {
    const before = connector.stats.requests;
    connector.failNext(CHANNEL, 503, 403);
    expect(await notifier.postTicketCard(view).catch((e: unknown) => e)).toMatchObject({ name: "ChannelBusyError", status: 503 });
    expect(await notifier.postTicketCard(view).catch((e: unknown) => e)).toBeInstanceOf(ChannelDeliveryError);
    expect(connector.stats.requests - before).toBe(2);
  });

  it("through the pacer, 429 then 502 are retried and the card is posted once", async () => {
    const before = { requests: connector.stats.requests, delivered: connector.count(CHANNEL) };
    connector.failNext(CHANNEL, 429, 502);
    const pacer = new ChannelPacer(systemClock, realWait);
    const ref = await pacer.send(() => notifier.postTicketCard(view));
    expect(ref).toMatchObject({ conversationId: CHANNEL, serviceUrl: connector.url });
    expect(connector.stats.requests - before.requests).toBe(3);
    expect(connector.count(CHANNEL) - before.delivered).toBe(1);
    expect(connector.delivered.get(CHANNEL)!.at(-1)!.id).toBe(ref.activityId);
  });
});
