import type { CloudAdapter, ConversationReference } from "botbuilder";
import type { Logger } from "pino";
import { ChannelBusyError, ChannelDeliveryError } from "../../features/shared/errors.js";
import type { TicketView } from "../../ports/ticket-view.js";
import type { Locale } from "../../i18n/messages.js";
import type { EmployeeMessage, HelpdeskNotifier } from "../../ports/helpdesk-notifier.js";
import type { ConversationRefStore } from "../../ports/stores.js";
import type { MessageRef } from "../../ports/tickets.js";
import { type StepCardSettings, renderStepCard } from "../../features/enrollment/step-cards.js";
import { cardT } from "../../features/shared/card-text.js";
import { renderTicketCard } from "../../features/helpdesk/ticket-card.js";
import { classifySendError, TeamsConnector } from "./teams-connector.js";

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
 * Every channel write is exactly one request (TeamsConnector without pipeline retries), and a failure becomes ChannelBusyError (429/412/5xx/no answer, with Retry-After)
 * or ChannelDeliveryError, so the domain's ChannelPacer sees and paces every request.
 */
export class BotHelpdeskNotifier implements HelpdeskNotifier {
  private lastServiceUrl: string | undefined;
  private readonly connector: TeamsConnector;

  constructor(
    adapter: CloudAdapter,
    private readonly conversationRefs: ConversationRefStore,
    private readonly options: HelpdeskChannelOptions,
    private readonly logger: Logger,
  ) {
    this.connector = new TeamsConnector(adapter, options.appId);
  }

  /** Remembers where the channel's connector is (local mode); call it for incoming activities. */
  noteServiceUrl(serviceUrl: unknown): void {
    if (typeof serviceUrl === "string" && /^https?:\/\//i.test(serviceUrl)) this.lastServiceUrl = serviceUrl;
  }

  async postTicketCard(view: TicketView): Promise<MessageRef> {
    const serviceUrl = await this.channelServiceUrl(view.upn);
    const reference = this.channelReference(this.options.channelId, serviceUrl);
    const card = renderTicketCard(view, this.options.locale, undefined);
    const activityId = await this.channelWrite("post", view.ticketId, () => this.connector.post(reference, { cards: [card] }));
    if (!activityId) throw new ChannelDeliveryError("the channel did not return the id of the posted card");
    this.logger.info({ ticketId: view.ticketId, conversationId: this.options.channelId }, "helpdesk ticket card posted");
    return { conversationId: this.options.channelId, activityId, serviceUrl };
  }

  async updateTicketCard(ref: MessageRef, view: TicketView): Promise<void> {
    const reference = this.channelReference(ref.conversationId, ref.serviceUrl);
    const card = renderTicketCard(view, this.options.locale, undefined);
    await this.channelWrite("update", view.ticketId, () => this.connector.update(reference, ref.activityId, { cards: [card] }));
  }

  async notifyEmployee(userKey: string, message: EmployeeMessage): Promise<boolean> {
    const stored = await this.conversationRefs.get(userKey);
    if (!stored) return false;
    // Teams renders chat messages as Markdown too: the helper's name and the device name are made inert.
    const text = cardT(stored.locale, message.key, message.params);
    const cards =
      message.kind === "invitation"
        ? [await renderStepCard({ step: "welcome", flowId: "", locale: stored.locale }, this.options.botSettings)]
        : undefined;
    await this.connector.send(stored.reference as Partial<ConversationReference>, { text, cards }, { pipelineRetries: true });
    return true;
  }

  /** One request to the channel, failures translated (see the class comment) and logged without content. */
  private async channelWrite<T>(kind: "post" | "update", ticketId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const outcome = classifySendError(error);
      const status = outcome.kind === "ok" ? undefined : outcome.status;
      const retryAfterMs = outcome.kind === "retryable" ? outcome.retryAfterMs : undefined;
      this.logger.warn({ ticketId, kind, status, retryAfterMs, retryable: outcome.kind === "retryable" }, "helpdesk channel write failed");
      if (outcome.kind === "retryable")
        throw new ChannelBusyError(`helpdesk card ${kind}: ${status ?? "no answer"}`, { status, retryAfterMs, cause: error });
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
