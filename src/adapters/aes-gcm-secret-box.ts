import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { SecretBox } from "../ports/secret-box.js";
import { DomainError } from "../features/shared/errors.js";

const VERSION = "v1";

export class SecretBoxError extends DomainError {}

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
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(".");
    if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretBoxError("Sealed value has an unknown format.");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.encryptionKey, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new SecretBoxError("Sealed value could not be opened (wrong key or tampered).", { cause: error });
    }
  }

  mac(data: string): string {
    return createHmac("sha256", this.macKey).update(data).digest("hex");
  }
}
