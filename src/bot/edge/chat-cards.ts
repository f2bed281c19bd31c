import { CardFactory, TurnContext, type ConversationReference, type StatePropertyAccessor, type UserState } from "botbuilder";
import type { Logger } from "pino";
import { errorFields } from "../../adapters/logger.js";
import type { CardJson } from "../../features/shared/card-renderer.js";
import type { Caller } from "../../ports/caller.js";
import type { Locale } from "../../i18n/messages.js";
import type { TeamsConnector } from "./teams-connector.js";

/** A message of this chat that shows a TOTP secret (the QR card), and the flow it belongs to. */
interface SecretCard {
  activityId: string;
  flowId: string;
  reference: Partial<ConversationReference>;
}

/** What the bot remembers about the cards it left in a user's chat (botbuilder user state, shared by every instance). */
interface CardsInChat {
  /** The newest card posted as a message, and whether it was the welcome card (in which language). */
  last?: { conversationId: string; activityId: string; welcome: boolean; locale?: Locale };
  secret?: SecretCard;
}

export interface ChatCardsDeps {
  /** Whether the caller's flow still shows `flowId`'s QR (in progress at the QR step, not idle too long). */
  stillShowsSecret: (caller: Caller, flowId: string) => Promise<boolean>;
  /** The short card that replaces a QR card whose flow is gone. */
  expiredCard: (caller: Caller) => CardJson;
  /** Proactive writes outside a turn (the expiry check); without it an expired QR is replaced at the user's next turn. */
  connector?: TeamsConnector;
  /** How long after a QR card is shown its flow can have expired (the idle limit, plus a minute). */
  expiryCheckMs: number;
  logger: Logger;
}

/**
 * No secret left in the chat: the QR card is shown in the message whose button asked for it
 * (an invoke response replaces that card in place). When the flow moves on from another card
 * (the QR shown again from a resume card, a typed "hej" or "avbryt", a cancel elsewhere) or
 * expires, that message is updated (updateActivity on its id) to a short card without the QR
 * or the key. Also remembers whether the newest card is the welcome card, so a greeting does
 * not post a second one under it.
 */
export class ChatCards {
  private readonly state: StatePropertyAccessor<CardsInChat>;
  /** One pending expiry check per user on this instance (a later QR card replaces it). */
  private readonly expiryChecks = new Map<string, NodeJS.Timeout>();

  constructor(
    userState: UserState,
    private readonly deps: ChatCardsDeps,
  ) {
    this.state = userState.createProperty<CardsInChat>("cardsInChat");
  }

  /**
   * When the newest card in the chat is the welcome card, a greeting points to it instead of
   * posting another: true then. A welcome card in another language than the caller's now (the
   * greeting's words chose another) is first updated in place to `welcome`, so the chat shows it once, in one language.
   */
  async pointToWelcome(context: TurnContext, caller: Caller, welcome: () => Promise<CardJson>): Promise<boolean> {
    const last = (await this.state.get(context, {})).last;
    if (!last?.welcome || last.conversationId !== context.activity.conversation.id) return false;
    if (last.locale !== caller.locale) {
      await context.updateActivity({ ...cardActivity(await welcome()), id: last.activityId });
      last.locale = caller.locale;
    }
    return true;
  }

  /**
   * Cards posted as a new message; the last of them is the newest card now. `enrollment`: they
   * show the enrollment (a greeting's or "avbryt"'s answer), so the flow has moved on here and a
   * QR card elsewhere is retired; any other answer retires it only when its flow has ended.
   */
  async post(context: TurnContext, caller: Caller, cards: CardJson[], kind: { welcome: boolean; enrollment: boolean }): Promise<void> {
    const activityId = (
      await context.sendActivity({ attachments: cards.map((card) => CardFactory.adaptiveCard(card)), attachmentLayout: "list" })
    )?.id;
    const state = await this.state.get(context, {});
    if (activityId)
      state.last = { conversationId: context.activity.conversation.id, activityId, welcome: kind.welcome, locale: caller.locale };
    if (kind.enrollment) await this.retire(context, caller, state);
    else await this.checked(context, caller);
  }

  /**
   * A button was pressed on message `pressedId` and the invoke response replaces its card.
   * `secretFlowId`: the flow whose QR that new card shows, if it shows one.
   */
  async replaced(context: TurnContext, caller: Caller, pressedId: string | undefined, secretFlowId: string | undefined): Promise<void> {
    const cards = await this.state.get(context, {});
    // Without the pressed message's id, any card may have changed: the welcome card is no longer taken to be the newest.
    if (cards.last && (!pressedId || cards.last.activityId === pressedId)) cards.last.welcome = false;
    if (cards.secret?.activityId === pressedId) cards.secret = undefined; // replaced in place
    if (secretFlowId) {
      await this.retire(context, caller, cards);
      if (pressedId) {
        cards.secret = { activityId: pressedId, flowId: secretFlowId, reference: TurnContext.getConversationReference(context.activity) };
        this.scheduleExpiryCheck(caller, cards.secret);
      }
    } else if (cards.secret && !(await this.deps.stillShowsSecret(caller, cards.secret.flowId))) {
      await this.retire(context, caller, cards);
    }
  }

  /** A turn that posts no card: a QR card whose flow has ended meanwhile is retired. */
  async checked(context: TurnContext, caller: Caller): Promise<void> {
    const cards = await this.state.get(context, {});
    if (cards.secret && !(await this.deps.stillShowsSecret(caller, cards.secret.flowId))) await this.retire(context, caller, cards);
  }

  /** The card a language switch showed in place of the welcome card is still the welcome card, now in `locale`. */
  async markWelcome(context: TurnContext, pressedId: string | undefined, locale: Locale): Promise<void> {
    const cards = await this.state.get(context, {});
    if (pressedId && cards.last?.activityId === pressedId) cards.last = { ...cards.last, welcome: true, locale };
  }

  private async retire(context: TurnContext, caller: Caller, cards: CardsInChat): Promise<void> {
    const secret = cards.secret;
    if (!secret) return;
    cards.secret = undefined;
    clearTimeout(this.expiryChecks.get(caller.userKey));
    try {
      await context.updateActivity({ ...cardActivity(this.deps.expiredCard(caller)), id: secret.activityId });
    } catch (error) {
      // The message may be gone (deleted by the user); nothing more can be done from here.
      this.deps.logger.warn({ err: errorFields(error), user: caller.userKey }, "could not replace an old QR card");
    }
  }

  /**
   * The flow may expire with nobody in the chat: once the idle limit has passed, this instance
   * looks once more and replaces the QR card if its flow is gone. (After a restart, the
   * user's next turn does it.) An expired flow's secret can no longer be activated; this
   * only keeps the chat history clean.
   */
  private scheduleExpiryCheck(caller: Caller, secret: SecretCard): void {
    const connector = this.deps.connector;
    if (!connector) return;
    clearTimeout(this.expiryChecks.get(caller.userKey));
    const timer = setTimeout(() => {
      this.expiryChecks.delete(caller.userKey);
      void (async () => {
        if (await this.deps.stillShowsSecret(caller, secret.flowId)) return this.scheduleExpiryCheck(caller, secret);
        await connector.update(secret.reference, secret.activityId, { cards: [this.deps.expiredCard(caller)] }, { pipelineRetries: true });
      })().catch((error: unknown) =>
        this.deps.logger.warn({ err: errorFields(error), user: caller.userKey }, "could not replace an expired QR card"),
      );
    }, this.deps.expiryCheckMs);
    timer.unref();
    this.expiryChecks.set(caller.userKey, timer);
  }

  /** Stops the pending expiry checks (shutdown, tests). */
  close(): void {
    for (const timer of this.expiryChecks.values()) clearTimeout(timer);
    this.expiryChecks.clear();
  }
}

function cardActivity(card: CardJson) {
  return { type: "message", attachments: [CardFactory.adaptiveCard(card)] };
}
