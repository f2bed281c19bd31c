import { databaseFromConfig } from "./adapters/database-from-config.js";
import { directoryFromConfig, eligibleGroupFromConfig } from "./adapters/directory-from-config.js";
import { keepDataDirPrivate } from "./adapters/data-dir.js";
import { createKeyedSqlStores, keysFromConfig } from "./adapters/keys-from-config.js";
import { createLogger, errorFields } from "./adapters/logger.js";
import { OtplibTotp } from "./adapters/otplib-totp.js";
import { WorkerQrImages } from "./adapters/qr/worker-qr-images.js";
import { smsSenderFromConfig } from "./adapters/sms/sms-from-config.js";
import { migrateToLatest } from "./adapters/sql/index.js";
import { scheduleRatePruning } from "./adapters/sql/rate-pruning.js";
import { articleFeedbackMetrics, reminderMetrics, tokenMetrics } from "./adapters/sql/metrics-source.js";
import { SqlReminderStore } from "./adapters/sql/reminder-store.js";
import { SqlCoverageSource } from "./adapters/sql/report-queries.js";
import { createHelpdeskStores } from "./adapters/sql/ticket-store.js";
import { botAdapter } from "./bot/edge/bot-authentication.js";
import { EnrollmentActions } from "./features/enrollment/enrollment-route.js";
import { EnrollmentBot, logTurnErrors } from "./bot/edge/teams-bot.js";
import { TeamsConnector } from "./bot/edge/teams-connector.js";
import { HelpActions } from "./features/help/help-route.js";
import { HelpdeskActions } from "./features/helpdesk/helpdesk-route.js";
import { ReminderActions } from "./features/reminders/reminder-route.js";
import { HelpdeskReminderReports } from "./features/reminders/reminder-reports.js";
import { BotHelpdeskNotifier, DEFAULT_HELPDESK_SERVICE_URL, PLAYGROUND_CHANNEL_ID } from "./bot/edge/helpdesk-notifier.js";
import { SqlBotStorage } from "./bot/edge/sql-bot-storage.js";
import { findAssetDir } from "./config/asset-dir.js";
import { loginSteps } from "./i18n/login-steps.js";
import { loadConfigOrExit, type Config } from "./config/load-config.js";
import { KnowledgeBase, loadKnowledgeArticles, loadKnowledgeSynonyms, withSettings } from "./features/help/knowledge/index.js";
import { defaultEnrollmentPolicy, type EnrollmentPolicy } from "./features/enrollment/enrollment-policy.js";
import { EnrollmentService } from "./features/enrollment/enrollment-service.js";
import { HelpdeskService } from "./features/helpdesk/helpdesk-service.js";
import { realWait } from "./adapters/real-time.js";
import { coverageMetrics } from "./features/report/coverage-formats.js";
import { AccountActivity } from "./features/audit/account-activity.js";
import { CoverageReports } from "./features/report/coverage-reports.js";
import { collectMetrics } from "./http/metrics.js";
import { gracefulClose } from "./http/graceful-close.js";
import { createServer } from "./http/server.js";
import { systemClock } from "./adapters/real-time.js";
import { SqlTemporaryAccessStore } from "./adapters/sql/temporary-access-store.js";
import { SqlEmployeeNoticeOutbox } from "./adapters/sql/employee-notice-store.js";
import { temporaryAccessPolicyFrom } from "./config/temporary-access-config.js";
import { TemporaryAccessIssuer } from "./features/validation/temporary-access-issuer.js";
import { LoginHelp } from "./features/validation/login-help.js";
import { LostPhoneActions } from "./features/lost-phone/lost-phone-route.js";
import { LostPhoneService } from "./features/lost-phone/lost-phone-service.js";
import { NoticeDelivery, scheduleNoticeDelivery } from "./features/notices/notice-delivery.js";
import { TeamsEmployeeChat } from "./bot/edge/employee-chat.js";

/** How often the bot looks for notices to deliver (a locked token, a new authenticator, …). */
const NOTICE_DELIVERY_INTERVAL_MS = 2_000;

function policyFrom(config: Config): EnrollmentPolicy {
  return {
    ...defaultEnrollmentPolicy,
    smsCodeTtlSeconds: config.SMS_CODE_TTL_SECONDS,
    smsMaxAttempts: config.SMS_MAX_ATTEMPTS,
    smsResendCooldownSeconds: config.SMS_RESEND_COOLDOWN_SECONDS,
    smsMaxPerUserPerHour: config.SMS_MAX_PER_USER_PER_HOUR,
    smsMaxGlobalPerHour: config.SMS_MAX_GLOBAL_PER_HOUR,
    totpIssuer: config.TOTP_ISSUER,
    helpdeskPhone: config.HELPDESK_PHONE,
  };
}

/** The coverage report (card and /metrics) is recomputed at most once a minute: it lists the whole eligible group. */
const COVERAGE_MAX_AGE_MS = 60_000;

/** Composition root: every adapter is built and wired here, by hand. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  keepDataDirPrivate(config.dataDir, logger);
  const database = await databaseFromConfig(config);
  await migrateToLatest(database.db);
  const keys = await keysFromConfig(config, database, systemClock);
  const stores = createKeyedSqlStores(database, keys, systemClock);
  scheduleRatePruning(stores.rateCounter, logger);
  const directory = directoryFromConfig(config, logger);
  const secrets = keys.box;
  const policy = policyFrom(config);
  const temporaryAccessStore = new SqlTemporaryAccessStore(database.db);
  const temporaryAccessPolicy = temporaryAccessPolicyFrom(config);
  const notices = new SqlEmployeeNoticeOutbox(database.db);

  const service = new EnrollmentService({
    directory,
    sms: smsSenderFromConfig(config, logger),
    secrets,
    totp: new OtplibTotp(),
    enrollments: stores.enrollments,
    tokens: stores.tokens,
    rates: stores.rateCounter,
    audit: stores.audit,
    clock: systemClock,
    policy,
    temporaryAccess: temporaryAccessStore,
    notices,
  });
  const helpdeskStores = createHelpdeskStores(database);
  // The Citrix article says how the login goes in the configured mode, as the done card does; the SMS articles name the sender.
  const knowledgeDir = findAssetDir("knowledge", "sv");
  const knowledge = new KnowledgeBase(
    withSettings(loadKnowledgeArticles(knowledgeDir), {
      loginSteps: (locale) => loginSteps(locale, config.RADIUS_MODE, config.CITRIX_URL),
      smsSender: () => config.SMS_SENDER_NAME,
    }),
    { synonyms: loadKnowledgeSynonyms(knowledgeDir) },
  );
  const loginHelp = new LoginHelp({
    directory,
    tokens: stores.tokens,
    audit: stores.audit,
    temporaryAccess: temporaryAccessStore,
    clock: systemClock,
  });
  const help = new HelpActions(knowledge, helpdeskStores.articleFeedback, systemClock, stores.rateCounter, (caller) =>
    loginHelp.textFor(caller),
  );
  const qrImages = new WorkerQrImages();
  const stepCards = { citrixUrl: config.CITRIX_URL, smsCodeTtlSeconds: policy.smsCodeTtlSeconds, loginMode: config.RADIUS_MODE, qrImages };
  const enrollment = new EnrollmentActions(service, help, stepCards);
  const adapter = botAdapter(config);
  logTurnErrors(adapter, logger);

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
    temporaryAccess: {
      store: temporaryAccessStore,
      issuer: new TemporaryAccessIssuer(temporaryAccessStore, secrets, temporaryAccessPolicy),
      hours: temporaryAccessPolicy.hours,
    },
  });
  const helpdesk = new HelpdeskActions({
    service: helpdeskService,
    helpdeskLocale: config.HELPDESK_LOCALE,
    logger,
    enrollment,
  });
  const lostPhone = new LostPhoneActions(
    new LostPhoneService({
      directory,
      tokens: stores.tokens,
      rates: stores.rateCounter,
      audit: stores.audit,
      clock: systemClock,
      policy,
      helpdesk: helpdeskService,
      notices,
    }),
  );
  const reminderStore = new SqlReminderStore(database.db);
  const reminders = new ReminderActions({ store: reminderStore, escalation: helpdeskService, clock: systemClock, audit: stores.audit });
  const reports = new HelpdeskReminderReports({
    store: reminderStore,
    directory,
    helpdeskGroupId,
    clock: systemClock,
    audit: stores.audit,
  });
  const coverage = new CoverageReports({
    source: new SqlCoverageSource(database.db),
    directory,
    eligibleGroupId: eligibleGroupFromConfig(config),
    helpdeskGroupId,
    clock: systemClock,
    audit: stores.audit,
    maxAgeMs: COVERAGE_MAX_AGE_MS,
  });
  const bot = new EnrollmentBot({
    service,
    enrollment,
    help,
    routes: [helpdesk, reminders, lostPhone],
    lostPhone,
    reports,
    coverage,
    activity: new AccountActivity(stores.audit),
    storage: new SqlBotStorage(database.db),
    conversationRefs: stores.conversationRefs,
    audit: stores.audit,
    logger,
    noteServiceUrl: (url) => helpdeskNotifier.noteServiceUrl(url),
    connector: new TeamsConnector(adapter, config.MICROSOFT_APP_ID ?? ""),
    flowIdleMs: policy.flowIdleMinutes * 60_000,
  });

  // GET /metrics: open in local mode, behind METRICS_TOKEN in production (absent without it).
  const metricsEndpoint =
    config.localMode || config.METRICS_TOKEN
      ? {
          collect: () =>
            collectMetrics([
              reminderMetrics(reminderStore, systemClock),
              tokenMetrics(database.db),
              articleFeedbackMetrics(helpdeskStores.articleFeedback),
              coverageMetrics(() => coverage.report()),
            ]),
          token: config.METRICS_TOKEN,
        }
      : undefined;
  const server = createServer(
    adapter,
    bot,
    [
      { name: "directory", check: () => directory.ping() },
      { name: "database", check: async () => void (await stores.audit.listForSubject("readyz", 1)) },
      { name: "keys", check: () => keys.ring.checkKeyEncryptionKey() },
    ],
    logger,
    {
      metrics: metricsEndpoint,
      envelope: config.localMode ? { loopbackServiceUrlOnly: true } : { tenantId: config.MICROSOFT_APP_TENANT_ID },
    },
  );

  const closing = gracefulClose(server);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const address = server.address();
  logger.info(
    {
      url: `http://${config.HOST}:${address.port}/api/messages`,
      mode: config.localMode ? "local" : "production",
      database: database.engine,
      directory: config.LDAP_URL ? "ldap" : "demo",
    },
    "enrollment bot listening",
  );
  // The QR worker starts and warms up on its own thread now, not in the first person's turn.
  qrImages.start();

  const noticeLog = logger.child({ component: "notices" });
  const stopNotices = scheduleNoticeDelivery(
    new NoticeDelivery(notices, new TeamsEmployeeChat(adapter, config.MICROSOFT_APP_ID ?? "", stores.conversationRefs), systemClock),
    NOTICE_DELIVERY_INTERVAL_MS,
    (round) =>
      round instanceof Error
        ? noticeLog.error({ err: errorFields(round) }, "notice delivery failed")
        : noticeLog.info(round, "notices delivered"),
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    stopNotices();
    bot.chatCards.close();
    // Turns in flight finish (their state saved, their SMS sent) before the database closes.
    const finished = await closing.close(config.SHUTDOWN_GRACE_SECONDS * 1000);
    if (!finished)
      logger.warn({ graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, "requests still running at the end of the grace period were cut off");
    await Promise.allSettled([directory.close(), database.close(), qrImages.close()]);
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`The bot could not start: ${(error as Error).name}: ${(error as Error).message}\n`);
  process.exit(1);
});
