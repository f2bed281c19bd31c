/**
 * The helpdesk feature served over real HTTP without main.ts: a restify server
 * (src/http/server.ts) with the real CloudAdapter in local mode (no Bot Framework
 * authentication), the real helpdesk pieces (HelpdeskService, HelpdeskActions,
 * BotHelpdeskNotifier), the demo directory and an SQLite database in a temp folder.
 * The handler in front is a minimal stand-in for the main bot: it remembers the
 * conversation of every message (as EnrollmentBot does) and routes helpdesk invokes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext, type InvokeResponse } from "botbuilder";
import { pino } from "pino";
import { DemoDirectory } from "../../src/adapters/demo-directory.js";
import { createSqlStores, migrateToLatest, openDatabase, type Database, type SqlStores } from "../../src/adapters/sql/index.js";
import { createHelpdeskStores, type HelpdeskStores } from "../../src/adapters/sql/ticket-store.js";
import { resolveCallerUpn, userKeyOf } from "../../src/bot/caller-resolver.js";
import { HelpdeskActions } from "../../src/bot/helpdesk-actions.js";
import { BotHelpdeskNotifier } from "../../src/bot/helpdesk-notifier.js";
import { HelpdeskService } from "../../src/domain/helpdesk/helpdesk-service.js";
import type { Caller } from "../../src/domain/step-view.js";
import { createServer } from "../../src/http/server.js";
import { localeFrom } from "../../src/i18n/messages.js";
import { systemClock } from "../../src/ports/clock.js";

export interface HelpdeskApp {
  /** http://127.0.0.1:PORT */
  url: string;
  database: Database;
  stores: SqlStores;
  helpdeskStores: HelpdeskStores;
  channelId: string;
  stop(): Promise<void>;
}

export interface HelpdeskAppOptions {
  channelId?: string;
  /** Unset: the local-mode rule (the serviceUrl last seen). */
  serviceUrl?: string;
  helpdeskGroupId?: string;
}

export async function startHelpdeskApp(options: HelpdeskAppOptions = {}): Promise<HelpdeskApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "helpdesk-app-"));
  const logger = pino({ level: "silent" });
  const database = await openDatabase(undefined, dataDir);
  await migrateToLatest(database.db);
  const stores = createSqlStores(database);
  const helpdeskStores = createHelpdeskStores(database);
  const directory = new DemoDirectory();
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const channelId = options.channelId ?? "19:helpdesk-channel@thread.tacv2";
  const botSettings = { citrixUrl: "https://citrix.regionjh.se", smsCodeTtlSeconds: 300 };

  const notifier = new BotHelpdeskNotifier(adapter, stores.conversationRefs, { appId: "", channelId, serviceUrl: options.serviceUrl, locale: "sv", botSettings }, logger);
  const service = new HelpdeskService({
    tickets: helpdeskStores.tickets,
    notifier,
    directory,
    enrollments: stores.enrollments,
    tokens: stores.tokens,
    rates: stores.rateCounter,
    audit: stores.audit,
    clock: systemClock,
    helpdeskGroupId: options.helpdeskGroupId ?? "helpdesk",
  });
  const actions = new HelpdeskActions({
    service,
    conversationRefs: stores.conversationRefs,
    helpdeskLocale: "sv",
    logger,
    noteServiceUrl: (url) => notifier.noteServiceUrl(url),
  });

  const callerOf = async (context: TurnContext): Promise<Caller | null> => {
    const upn = await resolveCallerUpn(context, logger);
    return upn ? { userKey: userKeyOf(context), upn, locale: localeFrom(context.activity.locale) } : null;
  };

  class MiniBot extends ActivityHandler {
    constructor() {
      super();
      this.onMessage(async (context, next) => {
        const caller = await callerOf(context);
        if (caller) {
          const reference = TurnContext.getConversationReference(context.activity) as Record<string, unknown>;
          await stores.conversationRefs.upsert({ userKey: caller.userKey, upn: caller.upn, locale: caller.locale, reference, updatedAt: new Date() });
        }
        await context.sendActivity("ok");
        await next();
      });
    }

    protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
      if (!actions.handles(context)) return { status: 501 };
      return actions.invokeResponse(context, await callerOf(context));
    }
  }

  const server = createServer(adapter, new MiniBot(), [], logger);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    database,
    stores,
    helpdeskStores,
    channelId,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
