import { z } from "zod";
import { RADIUS_MODES } from "../radius/login-modes.js";
import { locales } from "../i18n/messages.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(min).max(max);
const optionalText = z.string().trim().min(1).optional();
const fieldName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a field name (letters, digits, _ . -)");
/** What phones show as the sender: GSM allows 11 alphanumeric characters (not digits only), or a phone number. */
const SENDER_NAME = /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$|^\+[1-9]\d{6,14}$/;

/**
 * Every setting the bot reads, by environment variable name. `.env.example` lists them all.
 * Secrets have no defaults. Validated once at start-up by loadConfig.
 */
export const envSchema = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: int(0, 65535).default(3978),
  DATA_DIR: z.string().default("./data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// (leave unset for embedded SQLite)")
    .optional(),
  /** PostgreSQL: the hot queries as prepared statements. false only behind PgBouncer older than 1.21 in transaction mode. */
  DATABASE_PREPARED_STATEMENTS: bool.default(true),

  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TYPE: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("SingleTenant"),
  MICROSOFT_APP_TENANT_ID: optionalText,
  /**
   * Where the Bot Connector's token signing keys are published (OpenID metadata). Whoever
   * serves this document decides which tokens the bot accepts: change it only to point the
   * bot at a stand-in on this machine (tests).
   */
  BOT_OPENID_METADATA_URL: z.string().url("must be a URL").default("https://login.botframework.com/v1/.well-known/openidconfiguration"),

  ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 random bytes, base64 (openssl rand -base64 32)")
    .optional(),

  /**
   * Azure Key Vault key (RSA) that wraps the data keys: https://<vault>.vault.azure.net/keys/<name>[/<version>].
   * The credential is the bot's own (managed identity or app registration); it needs wrapKey, unwrapKey and get.
   */
  KEY_VAULT_KEY_ID: z
    .string()
    .regex(
      /^https:\/\/[^/\s]+\/keys\/[^/\s]+(\/[^/\s]+)?\/?$/,
      "must be a Key Vault key URL: https://<vault>.vault.azure.net/keys/<name>[/<version>]",
    )
    .optional(),
  /** Audit rows older than this many days are removed by `npm run audit -- prune` (a signed checkpoint keeps the rest verifiable); unset: kept forever. */
  AUDIT_RETENTION_DAYS: int(1, 36_500).optional(),

  TOTP_ISSUER: z.string().trim().min(1).max(64).default("Region JH"),
  CITRIX_URL: z.string().url("must be a URL").default("https://citrix.regionjh.se"),

  SMS_CODE_TTL_SECONDS: int(60, 1800).default(300),
  SMS_MAX_ATTEMPTS: int(1, 10).default(5),
  SMS_RESEND_COOLDOWN_SECONDS: int(10, 3600).default(60),
  SMS_MAX_PER_USER_PER_HOUR: int(1, 20).default(3),
  SMS_MAX_GLOBAL_PER_HOUR: int(1, 1_000_000).default(1000),
  /** Unset: `http` when SMS_GATEWAY_URL is set, else the local outbox (refused in production). src/config/sms-config.ts checks the rest. */
  SMS_PROVIDER: z.enum(["outbox", "http", "acs"], { message: "must be outbox, http or acs" }).optional(),
  SMS_SENDER_NAME: z
    .string()
    .trim()
    .regex(
      SENDER_NAME,
      "must be an alphanumeric sender name of at most 11 characters with a letter (A-Z, a-z, 0-9), or a number in E.164 (+46…)",
    )
    .default("RegionJH"),
  /** How long a failed send is retried (429, 5xx, no answer) before the user is told; never past the code's expiry. */
  SMS_RETRY_WINDOW_SECONDS: int(0, 60).default(10),
  SMS_GATEWAY_TIMEOUT_MS: int(500, 60_000).default(5000),
  SMS_GATEWAY_URL: z.string().url("must be a URL").optional(),
  SMS_GATEWAY_METHOD: z.enum(["POST", "PUT"], { message: "must be POST or PUT" }).default("POST"),
  SMS_GATEWAY_BODY: z.enum(["json", "form"], { message: "must be json or form" }).default("json"),
  SMS_GATEWAY_FIELD_TO: fieldName.default("to"),
  SMS_GATEWAY_FIELD_FROM: fieldName.default("from"),
  SMS_GATEWAY_FIELD_TEXT: fieldName.default("text"),
  /** The recipient as a one-element JSON list (`"to": ["+46…"]`, Sinch) instead of a string. */
  SMS_GATEWAY_TO_AS_LIST: bool.default(false),
  SMS_GATEWAY_AUTH: z.enum(["bearer", "basic", "header"], { message: "must be bearer, basic or header" }).default("bearer"),
  SMS_GATEWAY_TOKEN: optionalText,
  SMS_GATEWAY_USERNAME: optionalText,
  SMS_GATEWAY_PASSWORD: optionalText,
  SMS_GATEWAY_AUTH_HEADER: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "must be an HTTP header name (letters, digits, -)")
    .optional(),
  SMS_GATEWAY_SUCCESS_STATUSES: z
    .string()
    .trim()
    .regex(/^[1-5]\d\d(\s*,\s*[1-5]\d\d)*$/, "must be HTTP statuses separated by commas (e.g. 200,201)")
    .transform((v) => v.split(",").map((s) => Number(s.trim())))
    .default([200, 201, 202, 204]),
  /** Azure Communication Services: a connection string (endpoint=https://…;accesskey=…) or an endpoint and managed identity. */
  SMS_ACS_CONNECTION_STRING: optionalText,
  SMS_ACS_ENDPOINT: z.string().url("must be a URL").optional(),
  /** A user-assigned managed identity's client id for SMS_ACS_ENDPOINT; unset: the system-assigned identity. */
  SMS_ACS_MANAGED_IDENTITY_CLIENT_ID: optionalText,

  LDAP_URL: z
    .string()
    .regex(/^ldaps?:\/\//, "must start with ldap:// or ldaps://")
    .optional(),
  LDAP_START_TLS: bool.default(true),
  LDAP_ALLOW_PLAINTEXT: bool.default(false),
  LDAP_CA_FILE: optionalText,
  LDAP_BIND_DN: optionalText,
  LDAP_BIND_PASSWORD: optionalText,
  LDAP_BASE_DN: optionalText,
  LDAP_ELIGIBLE_GROUP_DN: optionalText,
  LDAP_LOGIN_ATTRIBUTE: z.string().default("sAMAccountName"),
  LDAP_UPN_ATTRIBUTE: z.string().default("userPrincipalName"),
  LDAP_MOBILE_ATTRIBUTE: z.string().default("mobile"),
  LDAP_DEPARTMENT_ATTRIBUTE: z.string().default("department"),
  LDAP_USER_OBJECT_CLASS: z.string().default("user"),
  LDAP_NESTED_GROUPS: z.enum(["auto", "in-chain", "memberOf"]).default("auto"),
  LDAP_LOCKOUT_MINUTES: int(1, 100_000).default(30),
  LDAP_CONNECT_TIMEOUT_MS: int(100, 60_000).default(5000),
  LDAP_TIMEOUT_MS: int(100, 60_000).default(10_000),

  HELPDESK_CHANNEL_ID: z.string().trim().min(1).max(256).optional(),
  HELPDESK_SERVICE_URL: z.string().url("must be a URL").optional(),
  HELPDESK_GROUP_ID: optionalText,
  HELPDESK_LOCALE: z.enum(locales).default("sv"),
  /** The helpdesk's phone number as people dial it ("08-123 456 00"): named in the "new authenticator" SMS. Not a secret. */
  HELPDESK_PHONE: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 -]{4,24}$/, "must be a phone number as people dial it (digits, spaces, hyphens, an optional leading +)")
    .optional(),

  /** On SIGTERM, how long requests in flight (a turn saving state, a RADIUS answer) may take before the process exits anyway. */
  SHUTDOWN_GRACE_SECONDS: int(1, 120).default(8),

  /** GET /metrics needs `Authorization: Bearer <token>`; without it /metrics is served only in local mode. */
  METRICS_TOKEN: z.string().trim().min(16, "must be at least 16 characters (openssl rand -hex 24)").optional(),

  /** Reminder campaigns install the bot through Microsoft Graph for people it never talked to (load-config.ts checks what that needs). */
  GRAPH_INSTALL_ENABLED: bool.default(false),
  /** The app's id in the tenant app catalog (GET /v1.0/appCatalogs/teamsApps?$filter=externalId eq '<manifest id>'). */
  TEAMS_APP_CATALOG_ID: optionalText,
  GRAPH_BASE_URL: z
    .string()
    .url("must be a URL")
    .transform((v) => v.replace(/\/+$/, ""))
    .default("https://graph.microsoft.com"),

  // The validation service (npm run radius; node dist/src/radius/main.js): what NetScaler asks.
  RADIUS_HOST: z.string().default("127.0.0.1"),
  RADIUS_PORT: int(0, 65535).default(1812),
  /** JSON array of { name, address (IP or CIDR), secret (≥ 16 characters), requireMessageAuthenticator }; required in production. */
  RADIUS_CLIENTS_FILE: optionalText,
  RADIUS_MODE: z.enum(RADIUS_MODES, { message: "must be otp, password+otp or challenge" }).default("otp"),
  /** Flood protection per RADIUS client address (requests per second), far above an honest NetScaler's load. */
  RADIUS_CLIENT_MAX_PER_SECOND: int(1, 1_000_000).default(5000),
  VALIDATE_MAX_FAILURES: int(1, 100).default(10),
  VALIDATE_LOCK_MINUTES: int(1, 1440).default(30),
  VALIDATE_USER_MAX_PER_MINUTE: int(1, 10_000).default(20),
  /** Helpdesk temporary access codes: how long one is valid, and whether it may be used more than once. */
  TEMP_ACCESS_HOURS: int(1, 72).default(8),
  TEMP_ACCESS_REUSABLE: bool.default(false),
  /** POST /api/validate on its own listener of the validation service; unset: off. */
  VALIDATE_HTTP_PORT: int(0, 65535).optional(),
  VALIDATE_HTTP_HOST: z.string().default("127.0.0.1"),
  VALIDATE_API_TOKEN: z.string().trim().min(32, "must be at least 32 characters (openssl rand -hex 32)").optional(),

  // Reminder campaign sender (npm run campaign): Teams allows 50 requests/s per app and tenant.
  REMINDER_WORKERS: int(1, 64).default(8),
  REMINDER_RATE_PER_SECOND: int(1, 50).default(50),
  REMINDER_LEASE_SECONDS: int(1, 86_400).default(120),
  REMINDER_MAX_ATTEMPTS: int(1, 20).default(6),
  /** Count each request from its send plus a margin that widens on 429s (default: ~0.98 of the ceiling) or from its answer (never a 429, ~0.93) (README, reminders). */
  REMINDER_COUNT_FROM: z.enum(["answer", "send"], { message: "must be answer or send" }).default("send"),
  /** Unset: 3 ms counting from the answer, 15 ms from the send (DEFAULT_MARGIN_MS). */
  REMINDER_MARGIN_MS: int(0, 500).optional(),
  REMINDER_WATCH_MINUTES: int(1, 1440).default(15),
  /** One instance sends at a time (the 50/s is shared): its lease, renewed every third; a crashed sender's runs out after it. */
  REMINDER_SENDER_LEASE_SECONDS: int(2, 600).default(30),
});

export type Env = z.infer<typeof envSchema>;
