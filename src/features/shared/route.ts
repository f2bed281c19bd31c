import type { Locale, MessageKey } from "../../i18n/messages.js";
import type { Caller } from "../../ports/caller.js";
import type { Notice } from "../../ports/notice.js";
import type { CardJson } from "./card-renderer.js";

/**
 * A card button's data (`action.data` of an Action.Execute), or null when the invoke's
 * envelope was malformed: each route then answers with its own "malformed" card, exactly as
 * for data that fails its schema (zod rejects null).
 */
export type ActionData = Record<string, unknown> | null;

/**
 * What a route answers; the edge turns it into the card that replaces the pressed one.
 * - card: shown as it is;
 * - notice: a plain card with that one text (in `locale`, else the caller's);
 * - refusal: the user's current step card (or the welcome card) with that refusal on top.
 */
export type Reply = { card: CardJson } | { notice: Notice; locale?: Locale } | { refusal: MessageKey };

/** What a route may ask of the chat the button was pressed in, without knowing Teams. */
export interface ChatTurn {
  /** Stores this chat's conversation reference, so later proactive messages can reach the caller. */
  rememberConversation(): Promise<void>;
}

/**
 * One feature's card buttons (enrollment, help, helpdesk, reminders), free of any SDK: the
 * edge (src/bot/edge/teams-bot.ts) parses the invoke once, resolves the caller, and asks the
 * route that owns the verb.
 */
export interface Route {
  readonly verbs: readonly string[];
  respond(verb: string, data: ActionData, caller: Caller, chat: ChatTurn): Promise<Reply>;
}
