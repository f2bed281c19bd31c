import { UserState, type TurnContext } from "botbuilder";
import { join } from "node:path";
import { directoryFromConfig } from "./adapters/directory-from-config.js";
import { HttpSmsGateway } from "./adapters/http-sms-gateway.js";
import { keepDataDirPrivate } from "./adapters/data-dir.js";
import { createKeyedSqlStores, keysFromConfig } from "./adapters/keys-from-config.js";
import { createLogger, errorFields } from "./adapters/logger.js";
import { OtplibTotp } from "./adapters/otplib-totp.js";
import { SMS_OUTBOX_FILE, SmsOutbox } from "./adapters/sms-outbox.js";
import { migrateToLatest, openDatabase } from "./adapters/sql/index.js";
import { scheduleRatePruning } from "./adapters/sql/rate-pruning.js";
import { articleFeedbackMetrics, reminderMetrics, tokenMetrics } from "./adapters/sql/metrics-source.js";
import { SqlReminderStore } from "./adapters/sql/reminder-store.js";
import { createHelpdeskStores } from "./adapters/sql/ticket-store.js";
import { botAdapter } from "./bot/bot-authentication.js";
import { EnrollmentActions } from "./bot/enrollment-actions.js";
import { EnrollmentBot } from "./bot/enrollment-bot.js";
import { HelpActions } from "./bot/help-actions.js";
import { HelpdeskActions } from "./bot/helpdesk-actions.js";
import { ReminderActions } from "./bot/reminder-actions.js";
import { HelpdeskReminderReports } from "./bot/reminder-reports.js";
import { BotHelpdeskNotifier, DEFAULT_HELPDESK_SERVICE_URL, PLAYGROUND_CHANNEL_ID } from "./bot/helpdesk-notifier.js";
import { SqlBotStorage } from "./bot/sql-bot-storage.js";
import { findAssetDir } from "./config/asset-dir.js";
import { t } from "./i18n/messages.js";
import { withLoginSteps } from "./i18n/login-steps.js";
import { loadConfigOrExit, type Config } from "./config/load-config.js";
import { KnowledgeBase, loadKnowledgeArticles } from "./domain/knowledge/index.js";
import { defaultEnrollmentPolicy, type EnrollmentPolicy } from "./domain/enrollment-policy.js";
import { EnrollmentService } from "./domain/enrollment-service.js";
import { HelpdeskService } from "./domain/helpdesk/helpdesk-service.js";
import { realWait } from "./domain/reminders/ports.js";
import { collectMetrics } from "./http/metrics.js";
import { createServer } from "./http/server.js";
import { systemClock } from "./ports/clock.js";
import type { SmsSender } from "./ports/sms-sender.js";

function buildSms(config: Config): SmsSender {
  if (config.SMS_GATEWAY_URL && config.SMS_GATEWAY_TOKEN) {
    return new HttpSmsGateway(config.SMS_GATEWAY_URL, config.SMS_GATEWAY_TOKEN, config.SMS_SENDER_NAME);
  }
  return new SmsOutbox(join(config.dataDir, SMS_OUTBOX_FILE));
}

function policyFrom(config: Config): EnrollmentPolicy {
  return {
    ...defaultEnrollmentPolicy,
    smsCodeTtlSeconds: config.SMS_CODE_TTL_SECONDS,
    smsMaxAttempts: config.SMS_MAX_ATTEMPTS,
    smsResendCooldownSeconds: config.SMS_RESEND_COOLDOWN_SECONDS,
    smsMaxPerUserPerHour: config.SMS_MAX_PER_USER_PER_HOUR,
    smsMaxGlobalPerHour: config.SMS_MAX_GLOBAL_PER_HOUR,
    totpIssuer: config.TOTP_ISSUER,
  };
}

/** Composition root: every adapter is built and wired here, by hand. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  keepDataDirPrivate(config.dataDir, logger);
  const database = await openDatabase(config.DATABASE_URL, config.dataDir);
  await migrateToLatest(database.db);
  const keys = await keysFromConfig(config, database, systemClock);
  const stores = createKeyedSqlStores(database, keys, systemClock);
  scheduleRatePruning(stores.rateCounter, logger);
  const directory = directoryFromConfig(config, logger);
  const secrets = keys.box;
  const policy = policyFrom(config);

  const service = new EnrollmentService({
    directory,
    sms: buildSms(config),
    secrets,
    totp: new OtplibTotp(),
    enrollments: stores.enrollments,
    tokens: stores.tokens,
    rates: stores.rateCounter,
    audit: stores.audit,
    clock: systemClock,
    policy,
  });
  const userState = new UserState(new SqlBotStorage(database.db));
  const helpdeskStores = createHelpdeskStores(database);
  // The Citrix article says how the login goes in the configured mode, as the done card does.
  const knowledge = new KnowledgeBase(withLoginSteps(loadKnowledgeArticles(findAssetDir("knowledge", "sv")), config.RADIUS_MODE, config.CITRIX_URL));
  const help = new HelpActions(knowledge, helpdeskStores.articleFeedback, systemClock, stores.rateCounter);
  const stepCards = { citrixUrl: config.CITRIX_URL, smsCodeTtlSeconds: policy.smsCodeTtlSeconds, loginMode: config.RADIUS_MODE };
  const enrollment = new EnrollmentActions(service, help, stepCards);
  const adapter = botAdapter(config);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: errorFields(error) }, "unhandled turn error");
    // The turn failed before its language was known: say it in both.
    await context.sendActivity(`${t("sv", "error.generic")} / ${t("en", "error.generic")}`).catch(() => undefined);
  };

  const helpdeskNotifier = new BotHelpdeskNotifier(
    adapter,
    stores.conversationRefs,
    {
      appId: config.MICROSOFT_APP_ID ?? "",
      channelId: config.HELPDESK_CHANNEL_ID ?? PLAYGROUND_CHANNEL_ID,
      serviceUrl: config.HELPDESK_SERVICE_URL ?? (config.localMode ? undefined : DEFAULT_HELPDESK_SERVICE_URL),
      tenantId: config.MICROSOFT_APP_TENANT_ID,
      locale: config.HELPDESK_LOCALE,
      botSettings: stepCards,
    },
    logger.child({ component: "helpdesk" }),
  );
  const helpdeskGroupId = config.HELPDESK_GROUP_ID ?? "helpdesk";
  const helpdeskService = new HelpdeskService({
    tickets: helpdeskStores.tickets,
    notifier: helpdeskNotifier,
    directory,
    enrollments: stores.enrollments,
    tokens: stores.tokens,
    rates: stores.rateCounter,
    audit: stores.audit,
    clock: systemClock,
    wait: realWait,
    helpdeskGroupId,
  });
  const helpdesk = new HelpdeskActions({
    service: helpdeskService,
    conversationRefs: stores.conversationRefs,
    helpdeskLocale: config.HELPDESK_LOCALE,
    logger,
    enrollment,
    noteServiceUrl: (url) => helpdeskNotifier.noteServiceUrl(url),
  });
  const reminderStore = new SqlReminderStore(database.db);
  const reminders = new ReminderActions({ store: reminderStore, escalation: helpdeskService, clock: systemClock, audit: stores.audit });
  const reports = new HelpdeskReminderReports({ store: reminderStore, directory, helpdeskGroupId, clock: systemClock, audit: stores.audit });
  const bot = new EnrollmentBot({ service, enrollment, help, routes: [helpdesk, reminders], reports, userState, conversationRefs: stores.conversationRefs, audit: stores.audit, logger });


  // GET /metrics: open in local mode, behind METRICS_TOKEN in production (absent without it).
  const metricsEndpoint =
    config.localMode || config.METRICS_TOKEN
      ? { collect: () => collectMetrics([reminderMetrics(reminderStore, systemClock), tokenMetrics(database.db), articleFeedbackMetrics(helpdeskStores.articleFeedback)]), token: config.METRICS_TOKEN }
      : undefined;
  const server = createServer(adapter, bot, [
    { name: "directory", check: () => directory.ping() },
    { name: "database", check: async () => void (await stores.audit.listForSubject("readyz", 1)) },
    { name: "keys", check: () => keys.ring.checkKeyEncryptionKey() },
  ], logger, {
    metrics: metricsEndpoint,
    envelope: config.localMode ? { loopbackServiceUrlOnly: true } : { tenantId: config.MICROSOFT_APP_TENANT_ID },
  });

  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const address = server.address();
  logger.info(
    { url: `http://${config.HOST}:${address.port}/api/messages`, mode: config.localMode ? "local" : "production", database: database.engine, directory: config.LDAP_URL ? "ldap" : "demo" },
    "enrollment bot listening",
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    server.close();
    await Promise.allSettled([directory.close(), database.close()]);
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`The bot could not start: ${(error as Error).name}: ${(error as Error).message}\n`);
  process.exit(1);
});
