import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const LOCAL_KEY_FILE = "encryption.key";

/**
 * Local mode only: the master key is generated once into the data folder (mode 0600),
 * so tokens stay readable across restarts. Production takes ENCRYPTION_KEY instead.
 */
export function loadOrCreateLocalKey(dataDir: string): Buffer {
  const file = join(dataDir, LOCAL_KEY_FILE);
  try {
    return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  return key;
}
