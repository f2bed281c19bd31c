import type { ColumnType, Generated } from "kysely";
import type { Locale } from "../../i18n/messages.js";

/**
 * The SQL schema, identical on SQLite and PostgreSQL. Portable column types only:
 * times are ISO-8601 UTC text (`Date.toISOString()`, which sorts lexically in time order),
 * JSON is text, counters are 32-bit integers.
 */
export interface EnrollmentsTable {
  user_key: string;
  /** EnrollmentState as JSON. */
  state: string;
  version: number;
  updated_at: string;
}

export interface TokensTable {
  id: string;
  login_name: string;
  upn: string;
  device_name: string;
  secret_sealed: string;
  status: "active" | "replaced" | "revoked";
  activated_at: string;
  ended_at: string | null;
  last_time_step: number;
  /** Added by 0006_validation: the last accepted login (null before the first). */
  last_used_at: string | null;
  /** Added by 0007_validation_counters: tries at the code since the last accepted login or lock. */
  failed_tries: Generated<number>;
  /** Added by 0007_validation_counters: the end of the lock after too many wrong codes. */
  locked_until: ColumnType<string | null, string | null | undefined, string | null>;
}

/** challenge-mode RADIUS logins between their two rounds (single use, short-lived). */
export interface RadiusChallengesTable {
  /** SHA-256 of the State sent to the client: the database alone cannot answer a challenge. */
  state_hash: string;
  login_name: string;
  client: string;
  expires_at: string;
}

/** Helpdesk-issued temporary access codes (0008), only their keyed hash. */
export interface TemporaryAccessTable {
  id: string;
  login_name: string;
  upn: string;
  code_hash: string;
  issued_by: string;
  issued_at: string;
  expires_at: string;
  /** 1 when usable again within its lifetime. */
  reusable: number;
  used_at: string | null;
  ended_at: string | null;
  failed_tries: Generated<number>;
}

/** Notices for employees' chats raised where there is no Teams connection (0009). */
export interface EmployeeNoticesTable {
  id: string;
  upn: string;
  key: string;
  /** JSON object of the text's parameters. */
  params: string;
  created_at: string;
  claimed_until: string | null;
  done_at: string | null;
}

/** A request throttle's current window per key (0007; UNLOGGED on PostgreSQL). */
export interface RateWindowsTable {
  key: string;
  window_start: string;
  hits: number;
}

export interface RateEventsTable {
  key: string;
  at: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: string;
  subject: string;
  actor: string;
  action: string;
  outcome: "ok" | "refused" | "error";
  /** JSON object or null. */
  detail: string | null;
  /** Added by 0011_audit_chain (null on older rows): the writer's chain, its place in it, its keyed hash. */
  chain_id: string | null;
  seq: number | null;
  mac: string | null;
}

/** Added by 0011_audit_chain: where a chain resumes after retention pruned its start (signed). */
export interface AuditCheckpointsTable {
  chain_id: string;
  /** The last pruned row's sequence number and keyed hash: the next row chains onto them. */
  seq: number;
  mac: string;
  pruned_at: string;
  signature: string;
}

/** Added by 0010_data_keys: data keys (and the MAC root key), wrapped by the key encryption key. */
export interface DataKeysTable {
  id: string;
  purpose: "data" | "mac";
  /** Which key encryption key wrapped it (a Key Vault key version, or local:<fingerprint>). */
  kek_id: string;
  /** base64url. */
  wrapped: string;
  created_at: string;
}

export interface ConversationRefsTable {
  user_key: string;
  /** Lowercase UPN, or null when unknown. */
  upn: string | null;
  locale: Locale;
  /** botbuilder ConversationReference as JSON. */
  reference: string;
  updated_at: string;
}

export interface BotStateTable {
  key: string;
  /** The store item as JSON, without its eTag. */
  data: string;
  etag: string;
}

export interface ReminderCampaignsTable {
  id: string;
  /** The parsed campaign as JSON (serialiseCampaign). */
  definition: string;
  updated_at: string;
}

export interface ReminderDeliveriesTable {
  /** `${campaign_id}|${upn}|${round}`: the idempotency key. */
  id: string;
  campaign_id: string;
  upn: string;
  login_name: string;
  user_key: string;
  round: string;
  /** Local day (campaign time zone); unique with upn: one reminder a person a day. */
  day: string;
  status: "pending" | "sending" | "sent" | "failed" | "skipped";
  attempts: number;
  claimed_by: string | null;
  claimed_at: string | null;
  not_before: string;
  sent_at: string | null;
  activity_id: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReminderSnoozesTable {
  campaign_id: string;
  upn: string;
  count: number;
  until: string | null;
  last_round: string | null;
  cannot_at: string | null;
  cannot_reason: string | null;
  updated_at: string;
}

export interface TicketsTable {
  id: string;
  /** Employee UPN, lowercase. */
  subject: string;
  user_key: string;
  login_name: string | null;
  status: "open" | "taken" | "resolved";
  taken_by: string | null;
  resolved_by: string | null;
  step: string | null;
  last_error: string | null;
  locale: Locale;
  /** TicketQuestion[] as JSON. */
  questions: string;
  /** MessageRef as JSON, or null before the card was posted. */
  channel_message: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
}

export interface ArticleFeedbackTable {
  id: Generated<number>;
  article_id: string;
  locale: Locale;
  /** 1 = helpful, 0 = not. */
  helpful: number;
  subject: string;
  at: string;
}

export interface Schema {
  enrollments: EnrollmentsTable;
  tokens: TokensTable;
  rate_events: RateEventsTable;
  rate_windows: RateWindowsTable;
  temporary_access: TemporaryAccessTable;
  employee_notices: EmployeeNoticesTable;
  audit_events: AuditEventsTable;
  conversation_refs: ConversationRefsTable;
  bot_state: BotStateTable;
  reminder_campaigns: ReminderCampaignsTable;
  reminder_deliveries: ReminderDeliveriesTable;
  reminder_snoozes: ReminderSnoozesTable;
  tickets: TicketsTable;
  article_feedback: ArticleFeedbackTable;
  radius_challenges: RadiusChallengesTable;
  data_keys: DataKeysTable;
  audit_checkpoints: AuditCheckpointsTable;
}
