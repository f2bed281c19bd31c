import type { Config } from "../config/load-config.js";
import type { SecretBox } from "../ports/secret-box.js";
import { AesGcmSecretBox } from "./aes-gcm-secret-box.js";
import { loadOrCreateLocalKey } from "./local-encryption-key.js";

/**
 * The key that seals TOTP secrets: ENCRYPTION_KEY, or in local mode the key generated into
 * the data folder. The bot and the validation service must use the same one.
 */
export function secretBoxFromConfig(config: Config): SecretBox {
  const key = config.ENCRYPTION_KEY ? Buffer.from(config.ENCRYPTION_KEY, "base64") : loadOrCreateLocalKey(config.dataDir);
  return new AesGcmSecretBox(key);
}
