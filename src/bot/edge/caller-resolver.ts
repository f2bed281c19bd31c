import { errorFields } from "../../adapters/logger.js";
import { TeamsInfo, type TurnContext } from "botbuilder";
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

/**
 * The caller, from Teams member info (the roster look-up of `from.id`), never from anything
 * the user typed and never from two fields of the activity at once. The state key (Entra
 * object id) and the UPN come from the same member record, so they cannot name two people;
 * everything keyed by the caller (enrollment state, conversation reference, tickets, limits,
 * audit) uses this one answer. An activity whose own `from.aadObjectId` disagrees with the
 * roster is refused rather than trusted either way: in production Microsoft signs both
 * fields, but in local mode nothing does, and the bot must not depend on them agreeing.
 */
export async function resolveCaller(context: TurnContext, logger: Logger): Promise<CallerResolution> {
  let member: Awaited<ReturnType<typeof TeamsInfo.getMember>>;
  try {
    member = await TeamsInfo.getMember(context, context.activity.from.id);
  } catch (error) {
    logger.warn({ err: errorFields(error) }, "Teams member look-up failed");
    return { kind: "unknown" };
  }
  const upn = typeof member.userPrincipalName === "string" ? member.userPrincipalName.trim().toLowerCase() : "";
  const objectId = typeof member.aadObjectId === "string" ? member.aadObjectId.trim() : "";
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
