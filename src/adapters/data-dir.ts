import { LOCAL_RADIUS_SECRET_FILE } from "../radius/radius-clients.js";
import { LOCAL_KEY_FILE } from "./local-encryption-key.js";
import type { Logger } from "./logger.js";
import { tightenDataDir } from "./private-files.js";
import { SMS_OUTBOX_FILE } from "./sms/sms-outbox.js";
import { SQLITE_FILE_NAMES } from "./sql/index.js";

/** Every file a process of this project keeps in DATA_DIR (the database, keys, the outbox). */
const DATA_DIR_FILES = [...SQLITE_FILE_NAMES, LOCAL_KEY_FILE, SMS_OUTBOX_FILE, LOCAL_RADIUS_SECRET_FILE];

/**
 * At start-up, for the bot and the validation service alike: DATA_DIR and the project's
 * files in it were readable by others (an older version, a copy): private from now on, each
 * tightened path logged as a warning.
 */
export function keepDataDirPrivate(dataDir: string, logger: Logger): void {
  for (const { path, was } of tightenDataDir(dataDir, DATA_DIR_FILES)) {
    logger.warn({ path, was: `0${was.toString(8)}` }, "data folder permissions tightened");
  }
}
