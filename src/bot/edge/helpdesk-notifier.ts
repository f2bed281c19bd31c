import { CardFactory, type Activity, type CloudAdapter, type ConversationReference, type TurnContext } from "botbuilder";
import type { Logger } from "pino";
import { ChannelBusyError, ChannelDeliveryError } from "../../features/shared/errors.js";
import type { TicketView } from "../../features/helpdesk/ticket-view.js";
import type { Locale } from "../../i18n/messages.js";
import type { EmployeeMessage, HelpdeskNotifier } from "../../ports/helpdesk-notifier.js";
import type { ConversationRefStore } from "../../ports/stores.js";
import type { MessageRef } from "../../ports/tickets.js";
import { renderStepCard, type StepCardSettings } from "../../features/shared/card-renderer.js";
import { cardT } from "../../features/shared/card-text.js";
import { renderTicketCard } from "../../features/helpdesk/ticket-card.js";
import { classifySendError } from "./reminder-sender.js";

/** The part of botframework-connector's ConnectorClient used here (it is not re-exported by botbuilder). */
interface ConversationsClient {
  conversations: { sendToConversation(conversationId: string, activity: Activity): Promise<{ id?: string }> };
  client?: { pipeline?: { removePolicy(options: { phase?: string; name?: string }): unknown } };
}

/** Teams' Bot Connector for Europe: where channel posts go unless configured otherwise. */
export const DEFAULT_HELPDESK_SERVICE_URL = "https://smba.trafficmanager.net/emea/";
/** The Microsoft 365 Agents Playground's team channel (local mode). */
export const PLAYGROUND_CHANNEL_ID = "channel-announcements-id";

export interface HelpdeskChannelOptions {
  /** MICROSOFT_APP_ID; empty in local mode (no Bot Framework authentication). */
  appId: string;
  /** HELPDESK_CHANNEL_ID: the Teams channel id, "19:…@thread.tacv2". */
  channelId: string;
  /**
   * HELPDESK_SERVICE_URL. Undefined (local mode): the serviceUrl last seen on an incoming
   * activity, else the one in the escalating employee's stored conversation reference.
   */
  serviceUrl?: string;
  /** MICROSOFT_APP_TENANT_ID. */
  tenantId?: string;
  /** The helpdesk's language (HELPDESK_LOCALE). */
  locale: Locale;
  /** For the welcome card of an invitation. */
  botSettings: StepCardSettings;
}

/**
 * HelpdeskNotifier over Bot Framework proactive messaging: the ticket card is posted to the
 * helpdesk channel (a new post) and later replaced in place (updateActivity); employees are
 * written to through the conversation reference stored when they last talked to the bot.
 *
 * Every channel write is exactly one request: the connector client's own retry policy is
 * removed, and a failure becomes ChannelBusyError (429/412/5xx/no answer, with Retry-After)
 * or ChannelDeliveryError, so the domain's ChannelPacer sees and paces every request.
 */
export class BotHelpdeskNotifier implements HelpdeskNotifier {
  private lastServiceUrl: string | undefined;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly conversationRefs: ConversationRefStore,
    private readonly options: HelpdeskChannelOptions,
    private readonly logger: Logger,
  ) {}

  /** Remembers where the channel's connector is (local mode); call it for incoming activities. */
  noteServiceUrl(serviceUrl: unknown): void {
    if (typeof serviceUrl === "string" && /^https?:\/\//i.test(serviceUrl)) this.lastServiceUrl = serviceUrl;
  }

  async postTicketCard(view: TicketView): Promise<MessageRef> {
    const serviceUrl = await this.channelServiceUrl(view.upn);
    const reference = this.channelReference(this.options.channelId, serviceUrl);
    let activityId: string | undefined;
    await this.channelWrite("post", view.ticketId, reference, async (context: TurnContext) => {
      // A new post in the channel, not a reply: context.sendActivity would make it a reply to
      // the random id of the continuation activity. So straight to the conversation.
      const client = context.turnState.get<ConversationsClient>(context.adapter.ConnectorClientKey);
      const activity: Partial<Activity> = {
        type: "message",
        channelId: reference.channelId,
        serviceUrl,
        from: reference.bot,
        conversation: reference.conversation,
        attachments: [CardFactory.adaptiveCard(renderTicketCard(view, this.options.locale, undefined))],
      };
      const response = await client.conversations.sendToConversation(this.options.channelId, activity as Activity);
      activityId = response?.id;
    });
    if (!activityId) throw new ChannelDeliveryError("the channel did not return the id of the posted card");
    this.logger.info({ ticketId: view.ticketId, conversationId: this.options.channelId }, "helpdesk ticket card posted");
    return { conversationId: this.options.channelId, activityId, serviceUrl };
  }

  async updateTicketCard(ref: MessageRef, view: TicketView): Promise<void> {
    const reference = this.channelReference(ref.conversationId, ref.serviceUrl);
    await this.channelWrite("update", view.ticketId, reference, async (context: TurnContext) => {
      await context.updateActivity({ id: ref.activityId, type: "message", attachments: [CardFactory.adaptiveCard(renderTicketCard(view, this.options.locale, undefined))] });
    });
  }

  async notifyEmployee(userKey: string, message: EmployeeMessage): Promise<boolean> {
    const stored = await this.conversationRefs.get(userKey);
    if (!stored) return false;
    // Teams renders chat messages as Markdown too: the helper's name and the device name are made inert.
    const text = cardT(stored.locale, message.key, message.params);
    const attachments =
      message.kind === "invitation" ? [CardFactory.adaptiveCard(await renderStepCard({ step: "welcome", flowId: "", locale: stored.locale }, this.options.botSettings))] : undefined;
    await this.adapter.continueConversationAsync(this.options.appId, stored.reference as Partial<ConversationReference>, async (context: TurnContext) => {
      await context.sendActivity(attachments ? { type: "message", text, attachments } : { type: "message", text });
    });
    return true;
  }

  /** One request to the channel, failures translated (see the class comment) and logged without content. */
  private async channelWrite(kind: "post" | "update", ticketId: string, reference: Partial<ConversationReference>, write: (context: TurnContext) => Promise<void>): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.options.appId, reference, async (context: TurnContext) => {
        context.turnState.get<ConversationsClient | undefined>(context.adapter.ConnectorClientKey)?.client?.pipeline?.removePolicy({ phase: "Retry" });
        await write(context);
      });
    } catch (error) {
      const outcome = classifySendError(error);
      const status = outcome.kind === "ok" ? undefined : outcome.status;
      const retryAfterMs = outcome.kind === "retryable" ? outcome.retryAfterMs : undefined;
      this.logger.warn({ ticketId, kind, status, retryAfterMs, retryable: outcome.kind === "retryable" }, "helpdesk channel write failed");
      if (outcome.kind === "retryable") throw new ChannelBusyError(`helpdesk card ${kind}: ${status ?? "no answer"}`, { status, retryAfterMs, cause: error });
      throw new ChannelDeliveryError(`helpdesk card ${kind}: ${status ?? "failed"}`, { cause: error });
    }
  }

  private async channelServiceUrl(employeeUpn: string): Promise<string> {
    if (this.options.serviceUrl) return this.options.serviceUrl;
    if (this.lastServiceUrl) return this.lastServiceUrl;
    const stored = await this.conversationRefs.findByUpn(employeeUpn);
    const fromEmployee = stored?.reference.serviceUrl;
    if (typeof fromEmployee === "string") return fromEmployee;
    throw new Error("no serviceUrl known for the helpdesk channel (set HELPDESK_SERVICE_URL)");
  }

  private channelReference(conversationId: string, serviceUrl: string): Partial<ConversationReference> {
    return {
      channelId: "msteams",
      serviceUrl,
      bot: { id: this.options.appId ? `28:${this.options.appId}` : "28:otp-enrollment-bot", name: "" },
      conversation: { id: conversationId, isGroup: true, conversationType: "channel", tenantId: this.options.tenantId, name: "" },
    };
  }
}
