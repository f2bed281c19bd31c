import { createHash } from "node:crypto";
import { TurnContext } from "botbuilder";
import { LRUCache } from "lru-cache";
import type { Caller } from "../../ports/caller.js";
import type { ConversationRefStore } from "../../ports/stores.js";

/**
 * Stores the turn's conversation reference for the caller: where reminders and the helpdesk's
 * answers go later. A reference this instance already stored for the caller in the last ten
 * minutes, unchanged, is not written again (every message would otherwise rewrite the same
 * row); the activity id, new on every turn, is left out of that comparison (proactive sends
 * never reply to it). After ten minutes it is written again, so `updated_at` stays within ten
 * minutes of the caller's latest turn (findByUpn picks the most recently updated).
 */
export class ConversationMemory {
  static readonly REFRESH_MS = 10 * 60_000;
  /** Fingerprints (hashes) of what was stored, by user key: bounded, least recently used dropped first. */
  private readonly stored = new LRUCache<string, string>({ max: 10_000, ttl: ConversationMemory.REFRESH_MS });

  constructor(private readonly store: ConversationRefStore) {}

  async remember(context: TurnContext, caller: Caller): Promise<void> {
    const reference = TurnContext.getConversationReference(context.activity) as Record<string, unknown>;
    const { activityId: _newEveryTurn, ...lasting } = reference;
    const fingerprint = createHash("sha256")
      .update(JSON.stringify([caller.upn, caller.locale, lasting]))
      .digest("base64");
    if (this.stored.get(caller.userKey) === fingerprint) return;
    await this.store.upsert({ userKey: caller.userKey, upn: caller.upn, locale: caller.locale, reference, updatedAt: new Date() });
    this.stored.set(caller.userKey, fingerprint);
  }
}
