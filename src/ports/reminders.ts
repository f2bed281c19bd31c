import type { Locale } from "../i18n/messages.js";
/** Ports of the reminder feature. Implementations: src/adapters/sql/reminder-store.ts, src/bot/edge/reminder-sender.ts, src/adapters/graph-app-installer.ts. */
import type { Caller } from "./caller.js";

export type DeliveryStatus = "pending" | "sending" | "sent" | "failed" | "skipped";

/** One reminder to one person in one round of one campaign. `id` is the idempotency key. */
export interface NewDelivery {
  /** `${campaignId}|${upn}|${round}`: the same person never gets the same round twice. */
  id: string;
  campaignId: string;
  upn: string;
  loginName: string;
  /** conversation_refs.user_key of the chat it goes to. */
  userKey: string;
  /** `${period}.${snoozeCount}`: cadence period since start, and how often the person snoozed. */
  round: string;
  /** Local day (window zone) it was planned for: one reminder a person a day across campaigns. */
  day: string;
  createdAt: Date;
}

export interface Delivery extends NewDelivery {
  status: DeliveryStatus;
  /** How many times a worker claimed it (each claim is one request to Teams). */
  attempts: number;
  claimedBy?: string;
  claimedAt?: Date;
  /** Not to be retried before (back-off / Retry-After). */
  notBefore?: Date;
  sentAt?: Date;
  activityId?: string;
  /** Why it was retried, given up or skipped. */
  lastError?: string;
}

export interface SnoozeRecord {
  campaignId: string;
  upn: string;
  count: number;
  until?: Date;
  /** The round last snoozed: pressing the same card twice counts once. */
  lastRound?: string;
  cannotAt?: Date;
  cannotReason?: string;
}

export type SnoozeResult =
  | { ok: true; record: SnoozeRecord }
  | { ok: false; reason: "limitReached" | "alreadySnoozed"; record: SnoozeRecord | null };

export interface DeliverySummary {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  skipped: number;
}

/** Why a row was skipped or failed without a send (delivery-runner.ts writes them; reports count them). */
export const SKIPPED_ENROLLED = "enrolled";
export const NO_CONVERSATION = "no conversation reference";

/** What the last run of a campaign saw of its audience (stored for the delivery report). */
export interface RunRecord {
  at: Date;
  audience: number;
  /** Members with an active token (not reminded, or skipped between planning and sending). */
  skippedEnrolled: number;
  /** Members the bot cannot message: no stored conversation, or unknown/disabled in the directory. */
  notReachable: number;
}

/** A campaign's delivery report for helpdesk/admins (the "rapport" card, /metrics). */
export interface CampaignReport {
  campaignId: string;
  deadline: Date;
  timeZone: string;
  /** Reminders planned over the whole campaign (every round). */
  planned: number;
  /** Planned and not finished yet (pending or being sent). */
  inProgress: number;
  sent: number;
  /** Given up (permanent error or too many tries), not counting notReachable. */
  failed: number;
  /** From the last run when there is one (else the reminders skipped because the person enrolled). */
  skippedEnrolled: number;
  /** From the last run when there is one (else the reminders that found no conversation). */
  notReachable: number;
  /** People whose "Remind me later" is running now. */
  snoozed: number;
  /** People who pressed "I can't" (handed to the helpdesk). */
  cannot: number;
  lastRun?: RunRecord;
}

export interface ReminderStore {
  saveCampaign(campaign: Campaign, at: Date): Promise<void>;
  getCampaign(id: string): Promise<Campaign | null>;
  /**
   * Of these people (one page of the audience: ask page by page, so memory does not grow with
   * the audience): rounds already planned in this campaign (`${upn}|${round}`) and who was
   * planned on `day` in any campaign.
   */
  history(campaignId: string, day: string, upns: string[]): Promise<{ roundsTaken: Set<string>; plannedOnDay: Set<string> }>;
  /** The snoozes and "I can't" of these people (one page of the audience) in this campaign, by lowercase UPN. */
  snoozes(campaignId: string, upns: string[]): Promise<Map<string, SnoozeRecord>>;
  getSnooze(campaignId: string, upn: string): Promise<SnoozeRecord | null>;
  /**
   * Inserts what is not there yet (same id, or same person and day in another campaign,
   * are skipped by the database's unique keys); returns the ids inserted.
   */
  enqueue(rows: NewDelivery[]): Promise<string[]>;
  /** Pending rows due by `now`, and "sending" rows whose claim is older than `staleBefore` (crashed worker). */
  claimable(campaignId: string, now: Date, staleBefore: Date, limit: number): Promise<Delivery[]>;
  /** Conditional UPDATE: true only for the one worker that moved the row to "sending". Counts an attempt. */
  claim(id: string, workerId: string, now: Date, staleBefore: Date): Promise<boolean>;
  markSent(id: string, workerId: string, at: Date, activityId?: string): Promise<void>;
  /** Back to "pending", not before `notBefore` (retry). */
  release(id: string, workerId: string, notBefore: Date, reason: string): Promise<void>;
  markFailed(id: string, workerId: string, at: Date, reason: string): Promise<void>;
  markSkipped(id: string, workerId: string, at: Date, reason: string): Promise<void>;
  /** Rows of the campaign not finished yet, and when the earliest one may be tried. */
  unfinished(campaignId: string): Promise<{ pending: number; sending: number; earliest?: Date; oldestClaim?: Date }>;
  summary(campaignId: string): Promise<DeliverySummary>;
  /** Every campaign ever run, by id. */
  listCampaigns(): Promise<Campaign[]>;
  /** Replaces the campaign's last-run record. */
  recordRun(campaignId: string, run: RunRecord): Promise<void>;
  /** The delivery report of a campaign as of `now`. */
  report(campaign: Campaign, now: Date): Promise<CampaignReport>;
  /** Counts a snooze unless the limit is reached or this round was already snoozed. */
  snooze(campaignId: string, upn: string, round: string, until: Date, maxSnoozes: number, at: Date): Promise<SnoozeResult>;
  recordCannot(campaignId: string, upn: string, reason: string, at: Date): Promise<void>;
}

/**
 * One sender at a time across every instance (Teams' 50 requests/s is per app and tenant,
 * not per process): a single row with the holder and when its lease ends
 * (src/adapters/sql/sender-lease.ts). Times are the caller's clock.
 */
export interface SenderLease {
  /** One conditional write: true only if the lease was free, expired or already `holder`'s; it then runs until now + ttlMs. */
  acquire(holder: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Extends `holder`'s lease to now + ttlMs; false if it is not theirs any more (expired, or taken over). */
  renew(holder: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Frees the lease if `holder` still has it (anyone else's is left alone). */
  release(holder: string): Promise<void>;
}

export interface ReminderMessage {
  /** botbuilder ConversationReference as stored. */
  reference: Record<string, unknown>;
  locale: Locale;
  campaign: Campaign;
  round: string;
  /** 0: the "Remind me later" button is left out. */
  snoozesLeft: number;
}

export type SendOutcome =
  | { kind: "ok"; activityId?: string }
  | { kind: "retryable"; status?: number; retryAfterMs?: number; reason: string }
  | { kind: "permanent"; status?: number; reason: string };

/** Sends one card to one stored conversation. Never throws: every failure is an outcome. */
export interface ProactiveSender {
  send(message: ReminderMessage): Promise<SendOutcome>;
}

/** Hands a person to the helpdesk (HelpdeskService.escalate fits). */
export interface Escalation {
  escalate(who: Caller, reason: string): Promise<unknown>;
}

/** Someone in a campaign's audience, as the directory knows them. */
export interface AudienceMember {
  upn: string;
  loginName: string;
}

/** Waiting is a port too, so the runner's tests can drive time. */
export type Wait = (ms: number) => Promise<void>;

/**
 * Installs the bot, as a personal app, for someone it has never talked to (Microsoft Graph:
 * src/adapters/graph-app-installer.ts). Teams then sends the bot a conversationUpdate for the
 * new chat, the bot stores the conversation reference, and a later run reminds the person.
 * Never throws: every failure is "failed" (the adapter records why).
 */
export interface AppInstaller {
  install(user: { upn: string; aadObjectId?: string }): Promise<"installed" | "alreadyInstalled" | "failed">;
}

/** When reminders may go out, in the window's time zone. */
export interface ReminderWindow {
  /** HH:MM (24 h). */
  from: string;
  to: string;
  /** IANA time zone, e.g. Europe/Stockholm. */
  timeZone: string;
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Dates (YYYY-MM-DD, in the window's zone) on which nothing is sent: public holidays, strike days… */
  holidays: string[];
}

export type Audience = { groupDn: string } | { upns: string[] };

/** A reminder campaign as parsed from its file (src/features/reminders/campaign.ts checks it). */
export interface Campaign {
  id: string;
  audience: Audience;
  exclude: string[];
  /** Working days between two reminders of this campaign to the same person. */
  cadenceDays: number;
  window: ReminderWindow;
  maxSnoozes: number;
  /** How many working days "Remind me later" waits (the reminder comes back at the window's start). */
  snoozeDays: number;
  /** The administrator's own title and body per language, instead of the catalog's. */
  messages: Partial<Record<Locale, { title?: string; body?: string }>>;
  /** First instant reminders may go out. */
  start: Date;
  /** After this instant nothing is sent (a date means the end of that day in the window's zone). */
  deadline: Date;
  /** The deadline as written (a date for the card), in the window's zone. */
  deadlineDay: string;
}
