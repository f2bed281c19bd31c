import { CardFactory, type Activity, type CloudAdapter, type ConversationReference, type TurnContext } from "botbuilder";
import { isRetryableStatus } from "../../features/reminders/delivery-runner.js";
import type { CardJson } from "../../features/shared/card-renderer.js";
import type { SendOutcome } from "../../ports/reminders.js";

/** The part of botframework-connector's ConnectorClient used here (it is not re-exported by botbuilder). */
interface ConnectorClient {
  conversations: { sendToConversation(conversationId: string, activity: Activity): Promise<{ id?: string }> };
  client?: { pipeline?: { removePolicy(options: { phase?: string; name?: string }): unknown } };
}

/** What is written: a text, cards, or both. */
export interface TeamsMessage {
  text?: string;
  cards?: CardJson[];
}

export interface WriteOptions {
  /**
   * The retry policy. False (the default): exactly one HTTP request, the Azure pipeline's own
   * retries removed, because the caller paces and retries (the reminder DeliveryRunner, the
   * helpdesk ChannelPacer) and must see every 429 to respect Teams' limits; classifySendError
   * tells it whether and when to retry. True: the pipeline retries by itself (a one-off message
   * to an employee, which nothing else would retry).
   */
  pipelineRetries?: boolean;
}

/**
 * Proactive writes to Teams through the Bot Connector, the only place that reaches into
 * botbuilder's continuation turns: a message into a stored conversation, a new post in a
 * channel, or an earlier message replaced in place.
 */
export class TeamsConnector {
  /** @param appId MICROSOFT_APP_ID ("" in local mode). */
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  /** A message into a stored conversation (an employee's chat); the new activity's id. */
  async send(reference: Partial<ConversationReference>, message: TeamsMessage, options: WriteOptions = {}): Promise<string | undefined> {
    let id: string | undefined;
    await this.turn(reference, options, async (context) => {
      id = (await context.sendActivity(activityOf(message)))?.id;
    });
    return id;
  }

  /**
   * A new top-level post in a channel; the new activity's id. Not context.sendActivity, which
   * would make it a reply to the random id of the continuation activity: straight to the conversation.
   */
  async post(reference: Partial<ConversationReference>, message: TeamsMessage, options: WriteOptions = {}): Promise<string | undefined> {
    let id: string | undefined;
    await this.turn(reference, options, async (context) => {
      const activity: Partial<Activity> = {
        ...activityOf(message),
        channelId: reference.channelId,
        serviceUrl: reference.serviceUrl,
        from: reference.bot,
        conversation: reference.conversation,
      };
      id = (await connectorOf(context)!.conversations.sendToConversation(reference.conversation!.id, activity as Activity))?.id;
    });
    return id;
  }

  /** Replaces an earlier message (a ticket card) in place. */
  async update(
    reference: Partial<ConversationReference>,
    activityId: string,
    message: TeamsMessage,
    options: WriteOptions = {},
  ): Promise<void> {
    await this.turn(reference, options, async (context) => {
      await context.updateActivity({ ...activityOf(message), id: activityId });
    });
  }

  private async turn(
    reference: Partial<ConversationReference>,
    options: WriteOptions,
    write: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, reference, async (context: TurnContext) => {
      if (!options.pipelineRetries) connectorOf(context)?.client?.pipeline?.removePolicy({ phase: "Retry" });
      await write(context);
    });
  }
}

function connectorOf(context: TurnContext): ConnectorClient | undefined {
  return context.turnState.get<ConnectorClient | undefined>(context.adapter.ConnectorClientKey);
}

function activityOf(message: TeamsMessage): Partial<Activity> {
  const activity: Partial<Activity> = { type: "message" };
  if (message.text !== undefined) activity.text = message.text;
  if (message.cards) activity.attachments = message.cards.map((card) => CardFactory.adaptiveCard(card));
  return activity;
}

/** HTTP status errors from the Bot Connector → retryable (412/429/502/503/504, network) or permanent. */
export function classifySendError(error: unknown): SendOutcome {
  const e = error as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { headers?: { get?(name: string): string | undefined } };
  } | null;
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
