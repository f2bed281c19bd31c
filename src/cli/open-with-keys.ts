import { databaseFromConfig } from "../adapters/database-from-config.js";
import { keysFromConfig, type Keys } from "../adapters/keys-from-config.js";
import { type Database, migrateToLatest } from "../adapters/sql/index.js";
import { loadConfig, type Config } from "../config/load-config.js";
import { systemClock } from "../adapters/real-time.js";

export interface CliContext {
  config: Config;
  database: Database;
  keys: Keys;
}

/**
 * What the keys and audit commands share: the bot's configuration, its (migrated) database
 * and its keys. Prints the reason and exits 1 when any of them is missing or unreachable.
 */
export async function runWithKeys(name: string, work: (context: CliContext) => Promise<number>): Promise<never> {
  let database: Database | undefined;
  let code: number;
  try {
    const config = loadConfig();
    database = await databaseFromConfig(config);
    await migrateToLatest(database.db);
    const keys = await keysFromConfig(config, database, systemClock);
    code = await work({ config, database, keys });
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).name}: ${(error as Error).message}\n`);
    code = 1;
  }
  await database?.close().catch(() => undefined);
  process.exit(code);
}

/** `--name value` from the arguments (undefined when absent). */
export function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}
