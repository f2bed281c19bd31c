import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { SecretBox } from "../ports/secret-box.js";
import { DomainError } from "../domain/errors.js";

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

/** AES-256-GCM of UTF-8 text: `<iv>.<tag>.<ciphertext>`, base64url, with optional associated data. */
export function gcmSeal(key: Buffer, plaintext: string, aad?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url")).join(".");
}

/** Opens what gcmSeal made; SecretBoxError when the key is wrong or anything was changed. */
export function gcmOpen(key: Buffer, parts: { iv: string; tag: string; body: string }, aad?: string): string {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parts.iv, "base64url"));
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(parts.tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(parts.body, "base64url")), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new SecretBoxError("Sealed value could not be opened (wrong key or tampered).", { cause: error });
  }
}
