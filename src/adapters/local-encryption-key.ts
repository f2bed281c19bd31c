import { randomBytes } from "node:crypto";
import { readOrCreatePrivateText } from "./private-files.js";

export const LOCAL_KEY_FILE = "encryption.key";

/**
 * Local mode only: the master key is generated once into the data folder (0600, in a 0700 folder),
 * so tokens stay readable across restarts. Production takes ENCRYPTION_KEY instead.
 */
export function loadOrCreateLocalKey(dataDir: string): Buffer {
  return Buffer.from(
    readOrCreatePrivateText(dataDir, LOCAL_KEY_FILE, () => randomBytes(32).toString("base64")),
    "base64",
  );
}
