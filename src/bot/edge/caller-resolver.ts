import { errorFields } from "../../adapters/logger.js";
import { TeamsInfo, type TurnContext } from "botbuilder";
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { Caller } from "../../ports/caller.js";

/** Who the turn is from: the state key and the UPN, both from one roster answer. */
export type CallerIdentity = Pick<Caller, "userKey" | "upn">;

export type CallerResolution =
  | { kind: "resolved"; identity: CallerIdentity }
  /** Teams cannot tell (look-up failed, no UPN or object id): the bot refuses to go on. */
  | { kind: "unknown" }
  /** The activity's `from.aadObjectId` names another Entra object than the roster: refused. */
  | { kind: "mismatch"; upn: string; claimedObjectId: string };

/** What a roster look-up said about a member: the two fields the caller is built from. */
interface RosterEntry {
  upn: string;
  objectId: string;
}

/**
 * Roster answers remembered for a short while, so a conversation's turns do not each cost a
 * Bot Connector round trip. Keyed by exactly what was asked (service URL, conversation,
 * member id), so a hit answers the same question the look-up would; only answers that
 * named both a UPN and an object id are kept, for at most TTL_MS, and at most MAX_ENTRIES
 * of them (least recently used dropped first). What that trades: a UPN
 * changed or a member removed in Teams is noticed up to five minutes late by this instance;
 * whether the account may enroll or log in is still asked of the directory every time
 * (identity step, validation service), so a disabled account stays refused at once.
 */
export class RosterCache {
  static readonly TTL_MS = 5 * 60_000;
  static readonly MAX_ENTRIES = 5_000;
  private readonly entries = new LRUCache<string, RosterEntry>({ max: RosterCache.MAX_ENTRIES, ttl: RosterCache.TTL_MS });

  async lookUp(context: TurnContext): Promise<RosterEntry> {
    const { serviceUrl, conversation, from } = context.activity;
    const key = `${serviceUrl}\n${conversation?.id}\n${from.id}`;
    const known = this.entries.get(key);
    if (known) return known;
    const member = await TeamsInfo.getMember(context, from.id);
    const entry = {
      upn: typeof member.userPrincipalName === "string" ? member.userPrincipalName.trim().toLowerCase() : "",
      objectId: typeof member.aadObjectId === "string" ? member.aadObjectId.trim() : "",
    };
    if (entry.upn && entry.objectId) this.entries.set(key, entry);
    return entry;
  }
}

/**
 * The caller, from Teams member info (the roster look-up of `from.id`), never from anything
 * the user typed and never from two fields of the activity at once. The state key (Entra
 * object id) and the UPN come from the same member record, so they cannot name two people;
 * everything keyed by the caller (enrollment state, conversation reference, tickets, limits,
 * audit) uses this one answer. An activity whose own `from.aadObjectId` disagrees with the
 * roster is refused rather than trusted either way: in production Microsoft signs both
 * fields, but in local mode nothing does, and the bot must not depend on them agreeing.
 * The roster answer may come from `roster` (RosterCache); the comparison with the activity
 * is made on every turn.
 */
export async function resolveCaller(context: TurnContext, logger: Logger, roster: RosterCache): Promise<CallerResolution> {
  let member: RosterEntry;
  try {
    member = await roster.lookUp(context);
  } catch (error) {
    logger.warn({ err: errorFields(error) }, "Teams member look-up failed");
    return { kind: "unknown" };
  }
  const { upn, objectId } = member;
  if (!upn || !objectId) {
    logger.warn({ hasUpn: upn !== "", hasObjectId: objectId !== "" }, "Teams member info lacks the UPN or the object id");
    return { kind: "unknown" };
  }
  const claimed: unknown = context.activity.from.aadObjectId;
  if (
    claimed !== undefined &&
    claimed !== null &&
    (typeof claimed !== "string" || claimed.trim().toLowerCase() !== objectId.toLowerCase())
  ) {
    const claimedObjectId = String(claimed).slice(0, 64);
    logger.warn({ user: objectId, claimedObjectId }, "activity from.aadObjectId differs from Teams member info: turn refused");
    return { kind: "mismatch", upn, claimedObjectId };
  }
  return { kind: "resolved", identity: { userKey: objectId, upn } };
}
