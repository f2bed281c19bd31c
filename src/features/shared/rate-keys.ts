/**
 * Keys of the RateCounter's sliding windows, per user (the Teams caller's UPN, lowercase).
 * src/main.ts prunes events older than 25 hours: every window must stay shorter.
 */

/** SMS codes sent to the user (the hourly cap). */
export const smsUserRateKey = (upn: string): string => `sms:user:${upn}`;

/** SMS codes typed by the user, every attempt counted before it is compared (the daily cap). */
export const smsFailureRateKey = (upn: string): string => `smsfail:${upn}`;

/** Password checks (directory binds) for the user's account. */
export const passwordCheckRateKey = (upn: string): string => `pw:${upn}`;

/** Tries at one SMS code (the code is identified by its flow and when it was sent). */
export const smsCodeTryRateKey = (flowId: string, sentAt: string): string => `smstry:${flowId}:${sentAt}`;

/** Tries at the first app code of one enrollment flow. */
export const confirmTryRateKey = (flowId: string): string => `totptry:${flowId}`;

/** Validation requests for one user name (login, without any DOMAIN\ part), counted before any work. */
export const validationUserRateKey = (name: string): string => `valuser:${name}`;

/** "Contact the helpdesk" presses (escalations) by the user. */
export const escalationRateKey = (upn: string): string => `helpdesk:escalate:${upn}`;

/** "Did this help?" answers by the user for one article (its id is checked against the knowledge base first). */
export const feedbackRateKey = (upn: string, articleId: string): string => `feedback:${upn}:${articleId}`;
