import type { loginHelpSv } from "./login-help-sv.js";

export const loginHelpEn: Record<keyof typeof loginHelpSv, string> = {
  "loginHelp.title": "What I can see about your last logins",
  "loginHelp.locked":
    "Your Microsoft Authenticator is locked after too many wrong codes until {time}. Wait until then, or ask the IT helpdesk to lift the lock.",
  "loginHelp.noToken":
    "You have no active Microsoft Authenticator registered, so no code can be accepted. Type **enroll** and I will take you through it.",
  "loginHelp.noAttempt":
    "No one-time-code login from you has reached us in the last 24 hours. Check that you use the right Citrix address and that you chose the one-time-code login.",
  "loginHelp.accepted": "Your last login at {time} was accepted. If it fails now, use the code the app shows right now and try again.",
  "loginHelp.replay":
    "Your last attempt at {time} used a code that had already been used. Wait for the app to show the next code and try again.",
  "loginHelp.clockAhead":
    "Your last attempt at {time} was refused: your phone's clock is about {minutes} ahead. Turn on automatic time: Settings → General → Date & Time (iPhone) or Settings → Date & time → Set automatically (Android).",
  "loginHelp.clockBehind":
    "Your last attempt at {time} was refused: your phone's clock is about {minutes} behind. Turn on automatic time: Settings → General → Date & Time (iPhone) or Settings → Date & time → Set automatically (Android).",
  "loginHelp.wrongCode":
    "Your last attempt at {time} had a wrong code. Use the code for your work account in Microsoft Authenticator, the one shown right now.",
  "loginHelp.disabled": "Your account is disabled or has expired. Contact the IT helpdesk.",
  "loginHelp.temporaryAccessExpired": "Your temporary code has expired. Contact the IT helpdesk for a new one, or enroll your new phone.",
  "loginHelp.other": "Your last attempt at {time} was refused: {reason}.",
  "unit.minute.one": "{count} minute",
  "unit.minute.other": "{count} minutes",
};
