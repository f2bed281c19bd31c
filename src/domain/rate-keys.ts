/**
 * Keys of the RateCounter's sliding windows, per user (the Teams caller's UPN, lowercase).
 * src/main.ts prunes events older than 25 hours: every window must stay shorter.
 */

/** SMS codes sent to the user (the hourly cap). */
export const smsUserRateKey = (upn: string): string => `sms:user:${upn}`;

/** Wrong SMS codes typed by the user (the daily cap). */
export const smsFailureRateKey = (upn: string): string => `smsfail:${upn}`;

/** Password checks (directory binds) for the user's account. */
export const passwordCheckRateKey = (upn: string): string => `pw:${upn}`;

/** "Contact the helpdesk" presses (escalations) by the user. */
export const escalationRateKey = (upn: string): string => `helpdesk:escalate:${upn}`;

/** "Did this help?" answers by the user for one article (its id is checked against the knowledge base first). */
export const feedbackRateKey = (upn: string, articleId: string): string => `feedback:${upn}:${articleId}`;
