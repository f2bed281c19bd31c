import type { AttemptWindow } from "./attempt-limit.js";

/**
 * Per-user limits on requests whose cost someone else pays: a channel post or update for
 * every escalation (Teams allows 8 per 2 s per conversation, shared by the whole helpdesk),
 * a stored row and a metric for every "Did this help?". Counted in the shared RateCounter
 * before the work (AttemptLimit), so a burst of concurrent presses, on any number of
 * instances, cannot outrun them. Keys: src/features/shared/rate-keys.ts.
 */

/**
 * "Contact the helpdesk" (help.escalate, and "I can't" on a reminder): 5 per user in 10
 * minutes. An open ticket collects every question, so more is a stuck button or a flood;
 * the employee is told to wait, and the helpdesk already has what they sent.
 */
export const ESCALATION_LIMIT: AttemptWindow = { max: 5, windowMs: 10 * 60_000 };

/** "Did this help?" (help.feedback): one answer per article per user a day; later ones are thanked and not stored. */
export const FEEDBACK_LIMIT: AttemptWindow = { max: 1, windowMs: 24 * 3_600_000 };
