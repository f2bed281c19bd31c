import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import type { KeyWrapper, WrappedKey } from "../ports/key-wrapping.js";
import { KeyUnavailableError } from "../features/keys/key-errors.js";

/**
 * A key encryption key held by this process: ENCRYPTION_KEY, or local mode's generated file.
 * Wraps with AES-256-GCM under a key derived from it (HKDF, its own label), so the key itself
 * never encrypts anything directly. Its id is a keyed fingerprint: it tells keys apart
 * without revealing anything about them.
 */
export class LocalKeyWrapper implements KeyWrapper {
  readonly kekId: string;
  private readonly wrappingKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new KeyUnavailableError("The key encryption key must be 32 bytes (256 bits).");
    this.wrappingKey = Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "data-key-wrapping", 32));
    this.kekId = `local:${createHmac("sha256", masterKey).update("key-encryption-key-id").digest("hex").slice(0, 16)}`;
  }

  async wrap(key: Buffer): Promise<WrappedKey> {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.wrappingKey, iv);
    cipher.setAAD(Buffer.from(this.kekId));
    const body = Buffer.concat([cipher.update(key), cipher.final()]);
    return { kekId: this.kekId, wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url") };
  }

  owns(kekId: string): boolean {
    return kekId === this.kekId;
  }

  async unwrap(key: WrappedKey): Promise<Buffer> {
    if (!this.owns(key.kekId)) throw new KeyUnavailableError("The data key was wrapped by another key encryption key.");
    const raw = Buffer.from(key.wrapped, "base64url");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.wrappingKey, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(this.kekId));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
    } catch (error) {
      throw new KeyUnavailableError("A wrapped data key could not be unwrapped (tampered, or another key).", { cause: error });
    }
  }
}
