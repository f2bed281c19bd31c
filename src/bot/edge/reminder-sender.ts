/**
 * ProactiveSender over botbuilder: one reminder card into one stored conversation through
 * CloudAdapter.continueConversationAsync. The Azure pipeline's own retry policy is removed
 * from the connector client, so every request is one request: retries, back-off and rate
 * limits are the DeliveryRunner's (it must see each 429 to respect the limits).
 */
import { CardFactory, type CloudAdapter, type ConversationReference, type TurnContext } from "botbuilder";
import type { ProactiveSender, ReminderMessage, SendOutcome } from "../../ports/reminders.js";
import { isRetryableStatus } from "../../features/reminders/delivery-runner.js";
import { renderReminderCard } from "../../features/reminders/reminder-card.js";

interface PipelineOwner {
  client?: { pipeline?: { removePolicy(options: { phase?: string; name?: string }): unknown } };
}

/** Rendered cards kept per campaign (by round, locale and snoozes left); cleared when it grows past this. */
const CARD_CACHE_SIZE = 64;

type Card = ReturnType<typeof renderReminderCard>;

export class BotReminderSender implements ProactiveSender {
  /**
   * Every recipient of a round gets the same card (it depends only on the campaign, round,
   * locale and snoozes left): render it once, not on the loop of every request (~0.5 ms of
   * CPU each, which the requests in flight on the same loop wait for). Keyed by the campaign
   * object, so a campaign re-read from its file gets fresh cards.
   */
  private readonly cards = new WeakMap<ReminderMessage["campaign"], Map<string, Card>>();

  /** @param appId MICROSOFT_APP_ID ("" in local mode). */
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  async send(message: ReminderMessage): Promise<SendOutcome> {
    const card = this.card(message);
    let activityId: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.appId, message.reference as Partial<ConversationReference>, async (context: TurnContext) => {
        const connector = context.turnState.get(this.adapter.ConnectorClientKey) as PipelineOwner | undefined;
        connector?.client?.pipeline?.removePolicy({ phase: "Retry" });
        const response = await context.sendActivity({ type: "message", attachments: [CardFactory.adaptiveCard(card)] });
        activityId = response?.id;
      });
      return activityId === undefined ? { kind: "ok" } : { kind: "ok", activityId };
    } catch (error) {
      return classifySendError(error);
    }
  }

  private card(message: ReminderMessage): Card {
    let cards = this.cards.get(message.campaign);
    if (!cards) this.cards.set(message.campaign, (cards = new Map()));
    const key = `${message.round}|${message.locale}|${message.snoozesLeft}`;
    let card = cards.get(key);
    if (card === undefined) {
      card = renderReminderCard({ mode: "reminder", locale: message.locale, campaign: message.campaign, round: message.round, snoozesLeft: message.snoozesLeft });
      if (cards.size >= CARD_CACHE_SIZE) cards.clear();
      cards.set(key, card);
    }
    return card;
  }
}

/** HTTP status errors from the Bot Connector → retryable (412/429/502/503/504, network) or permanent. */
export function classifySendError(error: unknown): SendOutcome {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown; response?: { headers?: { get?(name: string): string | undefined } } } | null;
  const status = typeof e?.statusCode === "number" ? e.statusCode : undefined;
  const reason = (typeof e?.message === "string" ? e.message : String(error)).slice(0, 300);
  if (status === undefined) {
    // No HTTP answer: connection refused/reset, timeout. The request may or may not have arrived.
    return { kind: "retryable", reason: `network: ${typeof e?.code === "string" ? e.code : reason}` };
  }
  if (!isRetryableStatus(status)) return { kind: "permanent", status, reason };
  const retryAfterMs = parseRetryAfter(e?.response?.headers?.get?.("retry-after"));
  return retryAfterMs === undefined ? { kind: "retryable", status, reason } : { kind: "retryable", status, reason, retryAfterMs };
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, 3_600_000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), 3_600_000);
}
