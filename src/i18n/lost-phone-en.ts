import type { lostPhoneSv } from "./lost-phone-sv.js";

/** English texts of the employee's own "I lost my phone" (spread at the end of en.ts). */
export const lostPhoneEn: Record<keyof typeof lostPhoneSv, string> = {
  "lostPhone.title": "Block your lost phone",
  "lostPhone.intro":
    "I will block your Microsoft Authenticator at once, so nobody can log in with the phone's codes. Confirm with your password (the one you use to log in to your computer). No SMS is needed.",
  "lostPhone.password": "Password",
  "lostPhone.block": "Block now",
  "lostPhone.blockFromArticle": "Block my phone now",
  "lostPhone.blocked":
    "Done: Microsoft Authenticator on {device} is blocked and its codes no longer work. The IT helpdesk has a request from you and can give you a temporary code so you can work meanwhile.",
  "lostPhone.wrongPassword": "Wrong password. Nothing was blocked; try again.",
  "lostPhone.noToken": "You have no active Microsoft Authenticator, so there is nothing to block.",
  "lostPhone.enrollNew": "Connect a new phone",
  "lostPhone.enrollNewHint":
    "When you have a new phone, connect it here. You get an SMS to the mobile number in the staff directory, as always.",
  "lostPhone.ticketReason": "Lost phone: Authenticator blocked by the user",
};
