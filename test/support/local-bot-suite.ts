/**
 * The usual end-to-end setup, for the whole file: a stand-in Bot Connector and the bot as a
 * process in local mode (demo directory, SQLite in a fresh DATA_DIR, SMS outbox), started
 * in beforeAll and ended in afterAll.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "./bot-process.js";
import { ConnectorStandIn, type ConnectorStandInOptions } from "./connector-stand-in.js";

export interface LocalBotSuite {
  readonly connector: ConnectorStandIn;
  readonly bot: BotProcess;
  readonly dataDir: string;
  /** The bot process's TMPDIR (inside dataDir), to check that nothing is written there. */
  readonly tmpDir: string;
}

export interface LocalBotSuiteOptions {
  /** How afterAll ends the bot: a graceful stop (default) or kill -9 (for a file that stops it itself). */
  end?: "stop" | "kill";
  /** How the stand-in Bot Connector behaves (e.g. enforcing Teams' per-conversation limits). */
  connector?: ConnectorStandInOptions;
}

/** Call at the top level of a test file; read the fields inside tests (they are set in beforeAll). */
export function localBotSuite(options: LocalBotSuiteOptions = {}): LocalBotSuite {
  let connector: ConnectorStandIn | undefined;
  let bot: BotProcess | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    connector = await ConnectorStandIn.start(options.connector);
    dataDir = makeDataDir();
    mkdirSync(join(dataDir, "tmp"));
    bot = await startBot({ dataDir, env: { TMPDIR: join(dataDir, "tmp") } });
  });

  afterAll(async () => {
    await (options.end === "kill" ? bot?.kill() : bot?.stop());
    await connector?.stop();
    if (dataDir) removeDataDir(dataDir);
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the local bot has not started (beforeAll)");
    return value;
  };
  return {
    get connector() {
      return started(connector);
    },
    get bot() {
      return started(bot);
    },
    get dataDir() {
      return started(dataDir);
    },
    get tmpDir() {
      return join(started(dataDir), "tmp");
    },
  };
}
