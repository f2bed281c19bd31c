/**
 * HMAC (RFC 2104) with the key's padded blocks computed once, on Node's one-shot
 * `crypto.hash`. The validation service's hot path computes many HMACs a login (the
 * request's and the response's Message-Authenticator, up to 21 TOTP time steps for a wrong
 * code, the audit row's chain hash). `createHmac` makes a native object per call, which V8
 * frees through a weak handle at the next young-generation collection: at a few thousand
 * logins a second those handles were the larger part of every pause (`--trace-gc-nvp`:
 * heap.external_weak_global_handles), and the pauses were the p99 of `npm run bench:radius`.
 * The one-shot hash leaves nothing behind. Checked against `createHmac` (RFC 2202 / 4231
 * vectors) in test/unit/keyed-hmac.test.ts.
 */
import { hash } from "node:crypto";

/** The digests used here, all with a 64-octet block. */
export type HmacAlgorithm = "md5" | "sha1" | "sha256";

const BLOCK = 64;
const INNER_PAD = 0x36;
const OUTER_PAD = 0x5c;

export class KeyedHmac {
  private readonly innerPad: Buffer;
  private readonly outerPad: Buffer;
  private outerMessage?: Buffer;

  constructor(
    private readonly algorithm: HmacAlgorithm,
    key: Uint8Array | string,
  ) {
    let bytes = typeof key === "string" ? Buffer.from(key, "utf8") : key;
    // RFC 2104 §2: a key longer than the block is hashed first.
    if (bytes.length > BLOCK) bytes = hash(algorithm, bytes, "buffer");
    this.innerPad = Buffer.alloc(BLOCK, INNER_PAD);
    this.outerPad = Buffer.alloc(BLOCK, OUTER_PAD);
    for (let i = 0; i < bytes.length; i++) {
      this.innerPad[i] = INNER_PAD ^ bytes[i]!;
      this.outerPad[i] = OUTER_PAD ^ bytes[i]!;
    }
  }

  /** HMAC over the parts, concatenated. */
  digest(...parts: Uint8Array[]): Buffer {
    const inner = hash(this.algorithm, Buffer.concat([this.innerPad, ...parts]), "buffer");
    // The outer message is always the pad and one digest: one buffer, reused (digest is synchronous).
    this.outerMessage ??= Buffer.concat([this.outerPad, inner]);
    inner.copy(this.outerMessage, BLOCK);
    return hash(this.algorithm, this.outerMessage, "buffer");
  }
}
