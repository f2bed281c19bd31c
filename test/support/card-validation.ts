import { createRequire } from "node:module";

// adaptivecards' ESM build does not load in plain Node; its UMD bundle parses without a DOM.
const AC = createRequire(import.meta.url)("adaptivecards/dist/adaptivecards.js");

/** Every parse warning and validation failure the Adaptive Cards parser reports for a card. */
export function cardProblems(card: Record<string, unknown>): string[] {
  const adaptiveCard = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  adaptiveCard.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of adaptiveCard.validateProperties().validationEvents) problems.push(event.message);
  if (JSON.stringify(card).includes("${")) problems.push("an unexpanded ${…} placeholder is left");
  return problems;
}

export interface CardAction {
  type: string;
  verb?: string;
  data?: Record<string, unknown>;
  associatedInputs?: string;
  title?: string;
}

/** Every action anywhere in the card (action bar, action sets, select actions). */
export function cardActions(card: Record<string, unknown>): CardAction[] {
  const found: CardAction[] = [];
  JSON.stringify(card, (_key, value) => {
    if (value && typeof value === "object" && typeof value.type === "string" && value.type.startsWith("Action.")) found.push(value);
    return value;
  });
  return found;
}
