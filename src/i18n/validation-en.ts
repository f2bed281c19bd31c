import type { ValidationMessageKey } from "./validation-sv.js";

/** English texts the validation service answers a login with (see validation-sv.ts). */
export const validationEn: Record<ValidationMessageKey, string> = {
  "validation.challenge": "Enter the one-time code from Microsoft Authenticator.",
  "validation.reject.wrongCode": "Wrong code. Wait for the next code and try again.",
  "validation.reject.replay": "That code has already been used. Wait for the next code and try again.",
  "validation.reject.locked": "Too many wrong codes. Try again in a while or contact the IT helpdesk.",
  "validation.reject.noToken": "No Microsoft Authenticator is registered for this account. Register it with the Teams bot.",
  "validation.reject.disabled": "The account is disabled. Contact the IT helpdesk.",
  "validation.reject.accountLocked": "The account is locked after too many failed logins. Wait a while or contact the IT helpdesk.",
  "validation.reject.notEligible": "This account may not log in with a one-time code. Contact the IT helpdesk.",
  "validation.reject.unknownUser": "Wrong user name or password.",
  "validation.reject.throttled": "Too many login attempts right now. Wait a moment and try again.",
  "validation.reject.wrongPassword": "Wrong user name or password.",
  "validation.reject.wrongPasswordOrCode":
    "Wrong password or code. Type the password and right after it the six-digit code the app shows now.",
  "validation.reject.passwordExpired": "The password must be changed. Change it and log in again.",
  "validation.reject.challengeExpired": "The login took too long. Start again from the beginning.",
  "validation.reject.temporaryAccessExpired": "The temporary code has expired. Contact the IT helpdesk.",
  "validation.reject.badRequest": "The login is missing a user name or code. Try again.",
};
