/**
 * The QR card of a flow that expires while nobody is in the chat: once the idle limit has
 * passed, ChatCards looks again and replaces the card through the TeamsConnector (a proactive
 * updateActivity on the stored message id); a flow still at the QR step is looked at again later.
 * botbuilder's own TestAdapter and MemoryStorage stand in for Teams and the bot storage.
 */
import { MemoryStorage, TestAdapter, TurnContext, UserState, type Activity } from "botbuilder";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChatCards } from "../../src/bot/edge/chat-cards.js";
import type { TeamsConnector } from "../../src/bot/edge/teams-connector.js";
import { alex } from "./enrollment-harness.js";

const expired = { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "removed" }] };

function turn(adapter: TestAdapter): TurnContext {
  const activity = {
    type: "invoke",
    name: "adaptiveCard/action",
    channelId: "msteams",
    serviceUrl: "https://smba.example/emea/",
    conversation: { id: "a:personal-alex" },
    from: { id: "29:alex" },
    recipient: { id: "28:bot" },
    replyToId: "message-1",
  } as Partial<Activity>;
  return new TurnContext(adapter, activity);
}

describe("an expired flow's QR card, with nobody in the chat", () => {
  afterEach(() => vi.useRealTimers());

  it("is replaced once the idle limit has passed, and only when the flow no longer shows it", async () => {
    vi.useFakeTimers();
    const update = vi.fn(async () => undefined);
    let stillShown = true;
    const cards = new ChatCards(new UserState(new MemoryStorage()), {
      stillShowsSecret: async () => stillShown,
      expiredCard: () => expired,
      connector: { update } as unknown as TeamsConnector,
      expiryCheckMs: 60_000,
      logger: pino({ level: "silent" }),
    });
    await cards.replaced(turn(new TestAdapter()), alex, "message-1", "flow-1");

    await vi.advanceTimersByTimeAsync(60_000);
    expect(update).not.toHaveBeenCalled(); // the flow is still at its QR step: looked at again later
    stillShown = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(update).toHaveBeenCalledTimes(1);
    const [reference, activityId, message] = update.mock.calls[0] as unknown as [Record<string, unknown>, string, { cards: unknown[] }];
    expect(activityId).toBe("message-1");
    expect(reference).toMatchObject({ serviceUrl: "https://smba.example/emea/", conversation: { id: "a:personal-alex" } });
    expect(message.cards).toEqual([expired]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(update).toHaveBeenCalledTimes(1);
    cards.close();
  });
});
