import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "./private-files.js";

export const LOCAL_KEY_FILE = "encryption.key";

/**
 * Local mode only: the master key is generated once into the data folder (0600, in a 0700 folder),
 * so tokens stay readable across restarts. Production takes ENCRYPTION_KEY instead.
 */
export function loadOrCreateLocalKey(dataDir: string): Buffer {
  const file = join(dataDir, LOCAL_KEY_FILE);
  try {
    return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  ensurePrivateDir(dataDir);
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: PRIVATE_FILE_MODE, flag: "wx" });
  return key;
}
