import { errorFields } from "../adapters/logger.js";
import { TeamsInfo, type TurnContext } from "botbuilder";
import type { Logger } from "pino";

/**
 * The caller's UPN, from Teams member info (the roster), never from anything the user
 * typed. Null when Teams cannot tell (the bot then refuses to go on).
 */
export async function resolveCallerUpn(context: TurnContext, logger: Logger): Promise<string | null> {
  try {
    const member = await TeamsInfo.getMember(context, context.activity.from.id);
    const upn = member.userPrincipalName?.trim().toLowerCase();
    return upn ? upn : null;
  } catch (error) {
    logger.warn({ err: errorFields(error) }, "Teams member look-up failed");
    return null;
  }
}

/** The key of a user's state: the Entra object id, else the channel's user id. */
export function userKeyOf(context: TurnContext): string {
  return context.activity.from.aadObjectId ?? context.activity.from.id;
}
