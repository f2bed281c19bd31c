/**
 * HMAC (RFC 2104) with the key's padded blocks computed once, on Node's one-shot
 * `crypto.hash`. The validation service's hot path computes many HMACs a login (the
 * request's and the response's Message-Authenticator, up to 21 TOTP time steps for a wrong
 * code, the audit row's chain hash). `createHmac` makes a native object per call, which V8
 * frees through a weak handle at the next young-generation collection: at a few thousand
 * logins a second those handles were the larger part of every pause (`--trace-gc-nvp`:
 * heap.external_weak_global_handles), and the pauses were the p99 of `npm run bench:radius`.
 *
 * The digests travel as "latin1" strings, one character per octet (`crypto.hash` calls the
 * encoding by its older name, "binary"): a one-shot hash that returns a Buffer allocates an
 * ArrayBuffer for it, which costs more than hashing a short message (about 1.4 µs against
 * 0.25 µs here). Checked against `createHmac` (RFC 2202 / 4231 vectors) in
 * test/unit/keyed-hmac.test.ts.
 */
import { hash } from "node:crypto";

/** The digests used here, all with a 64-octet block. */
export type HmacAlgorithm = "md5" | "sha1" | "sha256";

const BLOCK = 64;
const DIGEST_LENGTH: Record<HmacAlgorithm, number> = { md5: 16, sha1: 20, sha256: 32 };
const INNER_PAD = 0x36;
const OUTER_PAD = 0x5c;

export class KeyedHmac {
  private readonly innerPad: Buffer;
  /** The outer pad and room for the inner digest: the outer hash's whole message. */
  private readonly outerMessage: Buffer;
  /** The inner pad and room for a one-part message of the last length seen (a TOTP counter, say). */
  private innerMessage?: Buffer;

  constructor(
    private readonly algorithm: HmacAlgorithm,
    key: Uint8Array | string,
  ) {
    let bytes = typeof key === "string" ? Buffer.from(key, "utf8") : key;
    // RFC 2104 §2: a key longer than the block is hashed first.
    if (bytes.length > BLOCK) bytes = hash(algorithm, bytes, "buffer");
    // From Node's buffer pool, like every buffer here: one made per login (the TOTP key) should not cost an ArrayBuffer.
    this.innerPad = Buffer.allocUnsafe(BLOCK).fill(INNER_PAD);
    this.outerMessage = Buffer.allocUnsafe(BLOCK + DIGEST_LENGTH[algorithm]).fill(OUTER_PAD);
    for (let i = 0; i < bytes.length; i++) {
      this.innerPad[i] = INNER_PAD ^ bytes[i]!;
      this.outerMessage[i] = OUTER_PAD ^ bytes[i]!;
    }
  }

  /** HMAC over the parts, concatenated. */
  digest(...parts: Uint8Array[]): Buffer {
    return Buffer.from(this.octets(...parts), "latin1");
  }

  /**
   * The same HMAC as a "latin1" string: `charCodeAt(i)` is octet i. Synchronous, so the
   * reused message buffers are never shared by two calls.
   */
  octets(...parts: Uint8Array[]): string {
    const inner = hash(this.algorithm, this.innerMessageOf(parts), "binary");
    this.outerMessage.write(inner, BLOCK, "latin1");
    return hash(this.algorithm, this.outerMessage, "binary");
  }

  private innerMessageOf(parts: Uint8Array[]): Buffer {
    if (parts.length !== 1) return Buffer.concat([this.innerPad, ...parts]);
    const part = parts[0]!;
    if (this.innerMessage?.length !== BLOCK + part.length) {
      this.innerMessage = Buffer.allocUnsafe(BLOCK + part.length);
      this.innerPad.copy(this.innerMessage);
    }
    this.innerMessage.set(part, BLOCK);
    return this.innerMessage;
  }
}
