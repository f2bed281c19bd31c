import type { TicketView } from "../../src/ports/ticket-view.js";

/**
 * What a helpdesk ticket shows about Alex Wilber, stuck at the SMS step after a wrong code:
 * the facts from his enrollment and the directory (enabled account, mobile on file).
 */
export const alexTicketFacts: Pick<
  TicketView,
  "status" | "upn" | "displayName" | "loginName" | "department" | "step" | "lastError" | "directory"
> = {
  status: "open",
  upn: "alexw@example.com",
  displayName: "Alex Wilber",
  loginName: "alexw",
  department: "Akutmottagningen",
  step: "sms",
  lastError: "error.smsWrong",
  directory: { found: "yes", account: "enabled", hasMobile: true },
};
