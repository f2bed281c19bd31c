import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DomainError } from "../../features/shared/errors.js";

/** A sealed value could not be opened: unknown format, a key not loaded, the wrong key, or tampered. */
export class SecretBoxError extends DomainError {}

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
