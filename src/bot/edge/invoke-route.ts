import type { TurnContext } from "botbuilder";
import type { Caller } from "../../ports/caller.js";
import type { CardJson } from "../../features/shared/card-renderer.js";

/** The verb of an `adaptiveCard/action` invoke value, or null when there is none. */
export function verbOf(value: unknown): string | null {
  const verb = (value as { action?: { verb?: unknown } } | null | undefined)?.action?.verb;
  return typeof verb === "string" ? verb : null;
}

/**
 * One feature's card buttons (enrollment, help, helpdesk, reminders). The bot asks each
 * route in turn; the first that matches answers with the card that replaces the pressed one.
 */
export interface InvokeRoute {
  matches(verb: string): boolean;
  respond(context: TurnContext, caller: Caller): Promise<CardJson>;
}
