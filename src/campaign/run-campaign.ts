/**
 * npm run campaign -- <campaign.json> [--now] [--watch] [--users <users.json>]
 *
 * Plans and sends the due reminders of one campaign with the bot's configuration (same
 * env vars as `npm start`: DATABASE_URL, DATA_DIR, LDAP_*, MICROSOFT_APP_*).
 *   (default)  one run: sends the round if now is inside the window; for a daily scheduler.
 *   --now      ignores the window, waits until the round is complete (also rows of a crashed
 *              run, once their lease is over) and prints the report as one JSON line, last.
 * A run that sends nothing adds `nothingSent: { reason, explanation }` to the printed report
 * (beforeStart, afterDeadline, outsideWindow, nobodyDue, notDelivered: src/domain/reminders/nothing-sent.ts).
 *   --watch    long-running worker: a run every REMINDER_WATCH_MINUTES (default 15).
 *   --users    a JSON array of { upn, loginName } that resolves the audience instead of the
 *              directory (pilots without directory access, tests).
 * Tuning: REMINDER_WORKERS (8), REMINDER_RATE_PER_SECOND (50), REMINDER_LEASE_SECONDS (120),
 * REMINDER_MAX_ATTEMPTS (6), REMINDER_COUNT_FROM (send), REMINDER_MARGIN_MS (15 counting from the send; 3 from the answer),
 * REMINDER_SENDER_LEASE_SECONDS (30).
 * Only one instance sends at a time (sender lease, shared through the database): a run that
 * finds another sending waits for it, then sends what is left; with --now it never gives up.
 * GRAPH_INSTALL_ENABLED=true: people due without a stored conversation get the bot installed
 * through Microsoft Graph (TEAMS_APP_CATALOG_ID, GRAPH_BASE_URL; token from MICROSOFT_APP_ID +
 * MICROSOFT_APP_PASSWORD + MICROSOFT_APP_TENANT_ID, or the user-assigned managed identity) and
 * count as installRequested; the bot stores their chat when Teams tells it, a later run reminds them.
 */
import { databaseFromConfig } from "../adapters/database-from-config.js";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";
import { azureCredentialFromConfig } from "../adapters/azure-credential.js";
import { directoryFromConfig } from "../adapters/directory-from-config.js";
import { GraphAppInstaller } from "../adapters/graph-app-installer.js";
import { createLogger, errorFields, type Logger } from "../adapters/logger.js";
import { SqlReminderStore } from "../adapters/sql/reminder-store.js";
import { SqlSenderLease } from "../adapters/sql/sender-lease.js";
import { migrateToLatest } from "../adapters/sql/index.js";
import { createKeyedSqlStores, keysFromConfig } from "../adapters/keys-from-config.js";
import { botAuthentication } from "../bot/edge/bot-authentication.js";
import { BotReminderSender, reminderAdapter } from "../bot/edge/reminder-sender.js";
import { loadConfig, type Config } from "../config/load-config.js";
import { parseCampaignText, CampaignError } from "../features/reminders/campaign.js";
import type { Campaign } from "../ports/reminders.js";
import { runCampaign } from "../features/reminders/campaign-runner.js";
import { type AppInstaller, type AudienceMember } from "../ports/reminders.js";
import { realWait } from "../adapters/real-time.js";
import { RateLimiter } from "../features/reminders/rate-limiter.js";
import { systemClock } from "../adapters/real-time.js";
import { whyNothingSent } from "../features/reminders/nothing-sent.js";
import type { Directory } from "../ports/directory.js";
import { exitWith } from "../cli/exit-with.js";

interface Args {
  file: string;
  now: boolean;
  watch: boolean;
  users?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> = { now: false, watch: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--now") args.now = true;
    else if (a === "--watch") args.watch = true;
    else if (a === "--users") args.users = argv[++i];
    else if (!a.startsWith("--") && !args.file) args.file = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.file) throw new Error("usage: npm run campaign -- <campaign.json> [--now] [--watch] [--users <users.json>]");
  return args as Args;
}

const usersSchema = z.array(z.object({ upn: z.string().min(3).max(256), loginName: z.string().min(1).max(256) }));

/** Audience → accounts: a --users file, or the directory (disabled accounts are left out). */
function audienceResolver(directory: Directory, usersFile: string | undefined) {
  const fromFile = usersFile
    ? new Map(usersSchema.parse(JSON.parse(readFileSync(usersFile, "utf8"))).map((u) => [u.upn.toLowerCase(), u]))
    : undefined;
  return async (campaign: Campaign): Promise<{ members: AudienceMember[]; unknown: string[] }> => {
    if ("groupDn" in campaign.audience) {
      if (fromFile) return { members: [...fromFile.values()], unknown: [] };
      const users = await directory.listGroupMembers(campaign.audience.groupDn);
      const active = users.filter((u) => u.problem !== "disabled");
      return {
        members: active.map((u) => ({ upn: u.upn.toLowerCase(), loginName: u.loginName.toLowerCase() })),
        unknown: users.filter((u) => u.problem === "disabled").map((u) => u.upn),
      };
    }
    const members: AudienceMember[] = [];
    const unknown: string[] = [];
    const upns = campaign.audience.upns;
    for (let i = 0; i < upns.length; i += 16) {
      const found = await Promise.all(
        upns.slice(i, i + 16).map(async (upn) => fromFile?.get(upn) ?? (fromFile ? null : await directory.findByUpn(upn))),
      );
      found.forEach((user, j) => {
        if (user && !("problem" in user && user.problem === "disabled"))
          members.push({ upn: user.upn.toLowerCase(), loginName: user.loginName.toLowerCase() });
        else unknown.push(upns[i + j]!);
      });
    }
    return { members, unknown };
  };
}

/** The Graph app installer when GRAPH_INSTALL_ENABLED (loadConfig has checked the settings it needs). */
function appInstaller(config: Config, logger: Logger): AppInstaller | undefined {
  if (!config.GRAPH_INSTALL_ENABLED || !config.MICROSOFT_APP_ID || !config.TEAMS_APP_CATALOG_ID) return undefined;
  return new GraphAppInstaller(azureCredentialFromConfig(config), {
    catalogAppId: config.TEAMS_APP_CATALOG_ID,
    graphBaseUrl: config.GRAPH_BASE_URL,
    logger: logger.child({ component: "graph-install" }),
  });
}

async function main(): Promise<number> {
  let args: Args;
  let config: Config;
  let campaign: Campaign;
  try {
    args = parseArgs(process.argv.slice(2));
    config = loadConfig();
    campaign = parseCampaignText(readFileSync(args.file, "utf8"));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const logger = createLogger(config.LOG_LEVEL, process.stderr).child({ component: "reminders", campaign: campaign.id });
  const database = await databaseFromConfig(config);
  const directory = directoryFromConfig(config, logger);
  try {
    await migrateToLatest(database.db);
    // The bot's keys: the campaign's audit rows form its own keyed chain, as every writer's do.
    const stores = createKeyedSqlStores(database, await keysFromConfig(config, database, systemClock), systemClock);
    const adapter = reminderAdapter(botAuthentication(config));
    const limiter = new RateLimiter({
      global: [{ limit: config.REMINDER_RATE_PER_SECOND, ms: 1_000 }],
      countFrom: config.REMINDER_COUNT_FROM,
      ...(config.REMINDER_MARGIN_MS === undefined ? {} : { marginMs: config.REMINDER_MARGIN_MS }),
    });
    const deps = {
      store: new SqlReminderStore(database.db),
      sender: new BotReminderSender(adapter, config.MICROSOFT_APP_ID ?? ""),
      tokens: stores.tokens,
      conversations: stores.conversationRefs,
      clock: systemClock,
      wait: realWait,
      limiter,
      lease: new SqlSenderLease(database.db),
      logger,
      audit: stores.audit,
      audience: audienceResolver(directory, args.users),
      installer: appInstaller(config, logger),
    };
    const options = {
      ignoreWindow: args.now,
      untilComplete: args.now,
      workers: config.REMINDER_WORKERS,
      leaseMs: config.REMINDER_LEASE_SECONDS * 1000,
      senderLeaseMs: config.REMINDER_SENDER_LEASE_SECONDS * 1000,
      maxAttempts: config.REMINDER_MAX_ATTEMPTS,
      workerPrefix: `${hostname()}:${process.pid}`,
    };
    for (;;) {
      const result = await runCampaign(campaign, deps, options);
      const nothingSent = whyNothingSent(campaign, result, systemClock.now());
      logger.info({ status: result.status, ...result.report, ...result.details, nothingSent }, "reminder run finished");
      if (!args.watch) {
        // A run that sends nothing says why (after the deadline, outside the window, nobody due).
        process.stdout.write(`${JSON.stringify(nothingSent ? { ...result.report, nothingSent } : result.report)}\n`);
        return 0;
      }
      if (result.status === "afterDeadline") return 0;
      await realWait(config.REMINDER_WATCH_MINUTES * 60_000);
    }
  } catch (error) {
    if (error instanceof CampaignError) process.stderr.write(`${error.message}\n`);
    else logger.error({ err: errorFields(error) }, "reminder run failed");
    return 1;
  } finally {
    await Promise.allSettled([directory.close(), database.close()]);
  }
}

exitWith(main, "The campaign");
