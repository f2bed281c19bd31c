/**
 * What each login answer looks like on the wire: the response code and its attributes.
 * A refusal always carries a Swedish Reply-Message (NetScaler shows it on the login page),
 * so the user learns what to do instead of staring at a silent failure.
 */
import { validationSv } from "../i18n/validation-sv.js";
import type { LoginAnswer, RejectReason } from "./login-modes.js";
import { RadiusAttribute, RadiusCode } from "./radius-packet.js";
import { integerAttribute, replyMessage, type ResponseAttribute, type ResponseCode } from "./radius-response.js";

/** How long NetScaler waits for the second round of a challenge (RFC 2865 §5.27 on Access-Challenge). */
export const CHALLENGE_TIMEOUT_SECONDS = 120;

const rejectTexts = {
  wrongCode: validationSv["validation.reject.wrongCode"],
  replay: validationSv["validation.reject.replay"],
  locked: validationSv["validation.reject.locked"],
  noToken: validationSv["validation.reject.noToken"],
  disabled: validationSv["validation.reject.disabled"],
  accountLocked: validationSv["validation.reject.accountLocked"],
  notEligible: validationSv["validation.reject.notEligible"],
  unknownUser: validationSv["validation.reject.unknownUser"],
  throttled: validationSv["validation.reject.throttled"],
  wrongPassword: validationSv["validation.reject.wrongPassword"],
  wrongPasswordOrCode: validationSv["validation.reject.wrongPasswordOrCode"],
  passwordExpired: validationSv["validation.reject.passwordExpired"],
  challengeExpired: validationSv["validation.reject.challengeExpired"],
  temporaryAccessExpired: validationSv["validation.reject.temporaryAccessExpired"],
  badRequest: validationSv["validation.reject.badRequest"],
} satisfies Record<RejectReason, string>;

export function rejectText(reason: RejectReason): string {
  return rejectTexts[reason];
}

export function replyFor(answer: LoginAnswer): { code: ResponseCode; attributes: ResponseAttribute[] } {
  switch (answer.kind) {
    case "accept":
      return { code: RadiusCode.AccessAccept, attributes: [] };
    case "reject":
      return { code: RadiusCode.AccessReject, attributes: [replyMessage(rejectText(answer.reason))] };
    case "challenge":
      return {
        code: RadiusCode.AccessChallenge,
        attributes: [
          { type: RadiusAttribute.State, value: Buffer.from(answer.state, "utf8") },
          replyMessage(validationSv["validation.challenge"]),
          integerAttribute(RadiusAttribute.SessionTimeout, CHALLENGE_TIMEOUT_SECONDS),
        ],
      };
  }
}
