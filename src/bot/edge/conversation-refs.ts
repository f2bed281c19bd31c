import { TurnContext } from "botbuilder";
import type { Caller } from "../../ports/caller.js";
import type { ConversationRefStore } from "../../ports/stores.js";

/** Stores the turn's conversation reference for the caller: where reminders and the helpdesk's answers go later. */
export async function rememberConversation(store: ConversationRefStore, context: TurnContext, caller: Caller): Promise<void> {
  const reference = TurnContext.getConversationReference(context.activity) as Record<string, unknown>;
  await store.upsert({ userKey: caller.userKey, upn: caller.upn, locale: caller.locale, reference, updatedAt: new Date() });
}
