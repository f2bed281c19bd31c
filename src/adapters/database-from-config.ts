import type { Config } from "../config/load-config.js";
import { type Database, openDatabase, type OpenDatabaseOptions } from "./sql/database.js";

/**
 * The database the configuration names (DATABASE_URL, else SQLite in DATA_DIR), with its
 * settings (DATABASE_PREPARED_STATEMENTS). Shared by the bot, the validation service and the
 * CLIs; `options` adds what only one of them wants (the validation service's group commit).
 */
export function databaseFromConfig(
  config: Pick<Config, "DATABASE_URL" | "dataDir" | "DATABASE_PREPARED_STATEMENTS">,
  options: Omit<OpenDatabaseOptions, "preparedStatements"> = {},
): Promise<Database> {
  return openDatabase(config.DATABASE_URL, config.dataDir, { ...options, preparedStatements: config.DATABASE_PREPARED_STATEMENTS });
}
