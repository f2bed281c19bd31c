/**
 * The validation service: the second process of this project, on the bot's data. Citrix
 * NetScaler asks it over RADIUS whether a login's code is right; other IdPs may ask over
 * REST (POST /api/validate, off unless VALIDATE_HTTP_PORT is set). Composition root: every
 * adapter is built and wired here, by hand.
 */
import { databaseFromConfig } from "../adapters/database-from-config.js";
import { keepDataDirPrivate } from "../adapters/data-dir.js";
import { directoryFromConfig } from "../adapters/directory-from-config.js";
import { createLogger, errorFields } from "../adapters/logger.js";
import { OtplibTotp } from "../adapters/otplib-totp.js";
import { createKeyedSqlStores, keysFromConfig } from "../adapters/keys-from-config.js";
import { migrateToLatest } from "../adapters/sql/index.js";
import { SqlLoginChallengeStore } from "../adapters/sql/login-challenge-store.js";
import { SqlTemporaryAccessStore } from "../adapters/sql/temporary-access-store.js";
import { SqlEmployeeNoticeOutbox } from "../adapters/sql/employee-notice-store.js";
import { temporaryAccessPolicyFrom } from "../config/temporary-access-config.js";
import { scheduleRatePruning } from "../adapters/sql/rate-pruning.js";
import { loadConfigOrExit, type Config } from "../config/load-config.js";
import { validationConfigProblems } from "../config/validation-config.js";
import { defaultEnrollmentPolicy } from "../features/enrollment/enrollment-policy.js";
import { defaultValidationPolicy, type ValidationPolicy } from "../features/validation/validation-policy.js";
import { ValidationService } from "../features/validation/validation-service.js";
import { systemClock } from "../adapters/real-time.js";
import { gracefulClose, type GracefulClose } from "../http/graceful-close.js";
import { loadRadiusClients, localRadiusClients } from "./radius-clients.js";
import { startRadiusServer } from "./radius-server.js";
import { createRestValidateServer } from "./rest-validate.js";

function validationPolicyFrom(config: Config): ValidationPolicy {
  return {
    ...defaultValidationPolicy,
    maxFailures: config.VALIDATE_MAX_FAILURES,
    lockMinutes: config.VALIDATE_LOCK_MINUTES,
    userMaxPerMinute: config.VALIDATE_USER_MAX_PER_MINUTE,
  };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(validationConfigProblems);
  const logger = createLogger(config.LOG_LEVEL).child({ component: "validation" });
  keepDataDirPrivate(config.dataDir, logger);
  const clients = config.RADIUS_CLIENTS_FILE ? loadRadiusClients(config.RADIUS_CLIENTS_FILE) : localRadiusClients(config.dataDir);
  // Logins are many small writes: on SQLite they share commits, and the WAL is checkpointed off
  // the event loop (see OpenDatabaseOptions).
  const database = await databaseFromConfig(config, {
    groupCommit: true,
    backgroundCheckpoints: {
      onError: (error) =>
        logger.error({ err: errorFields(error) }, "SQLite checkpoints stopped on their thread; the service checkpoints itself"),
    },
  });
  await migrateToLatest(database.db);
  const keys = await keysFromConfig(config, database, systemClock);
  const stores = createKeyedSqlStores(database, keys, systemClock);
  scheduleRatePruning(stores.rateCounter, logger);
  const directory = directoryFromConfig(config, logger);
  const challenges = new SqlLoginChallengeStore(database.db);

  const validator = new ValidationService({
    directory,
    tokens: stores.tokens,
    challenges,
    secrets: keys.box,
    totp: new OtplibTotp(),
    rates: stores.rateCounter,
    audit: stores.audit,
    clock: systemClock,
    policy: validationPolicyFrom(config),
    passwordChecks: defaultEnrollmentPolicy,
    temporaryAccess: new SqlTemporaryAccessStore(database.db),
    temporaryAccessPolicy: temporaryAccessPolicyFrom(config),
    notices: new SqlEmployeeNoticeOutbox(database.db),
  });

  const radius = await startRadiusServer({
    host: config.RADIUS_HOST,
    port: config.RADIUS_PORT,
    clients,
    mode: config.RADIUS_MODE,
    validator,
    logger,
    maxRequestsPerClientPerSecond: config.RADIUS_CLIENT_MAX_PER_SECOND,
  });
  let rest: ReturnType<typeof createRestValidateServer> | undefined;
  let restClosing: GracefulClose | undefined;
  if (config.VALIDATE_HTTP_PORT !== undefined && config.VALIDATE_API_TOKEN) {
    rest = createRestValidateServer({ validator, token: config.VALIDATE_API_TOKEN, logger });
    restClosing = gracefulClose(rest);
    await new Promise<void>((resolve) => rest!.listen(config.VALIDATE_HTTP_PORT, config.VALIDATE_HTTP_HOST, resolve));
  }
  logger.info(
    {
      radius: `${config.RADIUS_HOST}:${radius.port}`,
      rest: rest ? `http://${config.VALIDATE_HTTP_HOST}:${rest.address().port}/api/validate` : "off",
      mode: config.RADIUS_MODE,
      clients: clients.map((client) => client.name),
      database: database.engine,
      directory: config.LDAP_URL ? "ldap" : "demo",
    },
    "validation service listening",
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    // Logins being checked are answered (and audited) before the database closes.
    const graceMs = config.SHUTDOWN_GRACE_SECONDS * 1000;
    await Promise.all([restClosing?.close(graceMs), radius.close(graceMs)]);
    await Promise.allSettled([directory.close(), database.close()]);
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  // Expired challenges are dropped hourly; consume() ignores them anyway.
  setInterval(
    () =>
      void challenges
        .prune(systemClock.now())
        .catch((error: unknown) => logger.warn({ err: errorFields(error) }, "pruning challenges failed")),
    3_600_000,
  ).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`The validation service could not start: ${(error as Error).name}: ${(error as Error).message}\n`);
  process.exit(1);
});
