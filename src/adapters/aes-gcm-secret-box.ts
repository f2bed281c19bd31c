import { createHmac } from "node:crypto";
import type { SecretBox } from "../ports/secret-box.js";
import { gcmOpen, gcmSeal, SecretBoxError } from "../features/keys/aes-gcm.js";

const VERSION = "v1";

export { SecretBoxError };

/**
 * AES-256-GCM for TOTP secrets at rest; HMAC-SHA256 (a key derived from the same master
 * key) for code hashes. Sealed form: v1.<iv>.<tag>.<ciphertext>, base64url.
 */
export class AesGcmSecretBox implements SecretBox {
  private readonly encryptionKey: Buffer;
  private readonly macKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new SecretBoxError("The encryption key must be 32 bytes (256 bits).");
    this.encryptionKey = createHmac("sha256", masterKey).update("totp-secret-encryption").digest();
    this.macKey = createHmac("sha256", masterKey).update("code-hash").digest();
  }

  seal(plaintext: string): string {
    return `${VERSION}.${gcmSeal(this.encryptionKey, plaintext)}`;
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(".");
    if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretBoxError("Sealed value has an unknown format.");
    return gcmOpen(this.encryptionKey, { iv, tag, body });
  }

  mac(data: string): string {
    return createHmac("sha256", this.macKey).update(data).digest("hex");
  }
}
