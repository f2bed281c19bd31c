import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { SecretBox } from "../../ports/secret-box.js";
import { SecretBoxError } from "../../adapters/aes-gcm-secret-box.js";
import type { KeyRing } from "./key-ring.js";
import { LEGACY_KEY_ID, sealedKeyId } from "./sealed-format.js";

/**
 * SecretBox over the key ring: seals with the current data key (v2, naming it), opens any
 * data key in memory (the stores load a missing one first: see key-loading-stores.ts), and
 * opens v1 values with the legacy box (ENCRYPTION_KEY / local key) until rotation re-seals them.
 */
export class EnvelopeSecretBox implements SecretBox {
  private readonly macKey: Buffer;

  constructor(
    private readonly ring: KeyRing,
    private readonly legacy?: Pick<SecretBox, "open">,
  ) {
    this.macKey = ring.derivedMacKey("code-hash");
  }

  seal(plaintext: string): string {
    const { id, key } = this.ring.sealingKey();
    const header = `v2.${id}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(header));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [header, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
  }

  open(sealed: string): string {
    const id = sealedKeyId(sealed);
    if (id === LEGACY_KEY_ID && this.legacy) return this.legacy.open(sealed);
    const key = id === null ? undefined : this.ring.keyFor(id);
    if (!key) throw new SecretBoxError("Sealed value names a data key that is not loaded (or has an unknown format).");
    const [, , iv, tag, body] = sealed.split(".");
    if (!iv || !tag || body === undefined) throw new SecretBoxError("Sealed value has an unknown format.");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(`v2.${id}`));
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
