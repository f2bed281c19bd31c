/**
 * ProactiveSender over the TeamsConnector: one reminder card into one stored conversation,
 * one request each (no pipeline retries): retries, back-off and rate limits are the
 * DeliveryRunner's (it must see each 429 to respect the limits).
 */
import { CloudAdapter, type ConfigurationBotFrameworkAuthentication, type ConversationReference } from "botbuilder";
import type { ProactiveSender, ReminderMessage, SendOutcome } from "../../ports/reminders.js";
import { renderReminderCard } from "../../features/reminders/reminder-card.js";
import { ReusedConnectorClients } from "./reused-connector-clients.js";
import { classifySendError, TeamsConnector } from "./teams-connector.js";

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication["authenticateRequest"]>>;

/**
 * The adapter reminders are sent with. CloudAdapter makes a new ConnectorClient (an Azure HTTP
 * pipeline with an agent of its own) for every proactive message: a new connection per reminder
 * (in production a TLS handshake), and a pipeline built on the loop the other requests wait on,
 * after the rate limiter counted the request as sent. Here one client per app id, service URL and
 * audience serves every reminder and keeps its connections alive (ReusedConnectorClients, as for
 * the bot's turns). Only for reminders: BotReminderSender removes the retry policy of the clients
 * it uses (the DeliveryRunner retries).
 */
export function reminderAdapter(authentication: ConfigurationBotFrameworkAuthentication): CloudAdapter {
  const clients = new ReusedConnectorClients();
  const createFactory = authentication.createConnectorFactory.bind(authentication);
  authentication.createConnectorFactory = (claimsIdentity) => {
    const request: AuthenticateRequestResult = {
      claimsIdentity,
      connectorFactory: createFactory(claimsIdentity),
      audience: "",
      callerId: "",
    };
    return clients.forRequest(request).connectorFactory!;
  };
  clients.keepUserTokenClients(authentication);
  return new CloudAdapter(authentication);
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

  private readonly connector: TeamsConnector;

  /** @param appId MICROSOFT_APP_ID ("" in local mode). */
  constructor(adapter: CloudAdapter, appId: string) {
    this.connector = new TeamsConnector(adapter, appId);
  }

  async send(message: ReminderMessage): Promise<SendOutcome> {
    const card = this.card(message);
    try {
      const activityId = await this.connector.send(message.reference as Partial<ConversationReference>, { cards: [card] });
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
      card = renderReminderCard({
        mode: "reminder",
        locale: message.locale,
        campaign: message.campaign,
        round: message.round,
        snoozesLeft: message.snoozesLeft,
      });
      if (cards.size >= CARD_CACHE_SIZE) cards.clear();
      cards.set(key, card);
    }
    return card;
  }
}
