import { createHmac } from "node:crypto";
import type { SecretBox } from "../../ports/secret-box.js";
import { gcmOpen, gcmSeal, SecretBoxError } from "./aes-gcm.js";
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
    return `v2.${id}.${gcmSeal(key, plaintext, `v2.${id}`)}`;
  }

  open(sealed: string): string {
    const id = sealedKeyId(sealed);
    if (id === LEGACY_KEY_ID && this.legacy) return this.legacy.open(sealed);
    const key = id === null ? undefined : this.ring.keyFor(id);
    if (!key) throw new SecretBoxError("Sealed value names a data key that is not loaded (or has an unknown format).");
    const [, , iv, tag, body] = sealed.split(".");
    if (!iv || !tag || body === undefined) throw new SecretBoxError("Sealed value has an unknown format.");
    return gcmOpen(key, { iv, tag, body }, `v2.${id}`);
  }

  mac(data: string): string {
    return createHmac("sha256", this.macKey).update(data).digest("hex");
  }
}
