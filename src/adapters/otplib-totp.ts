import { ScureBase32Plugin } from "@otplib/plugin-base32-scure";
import { NodeCryptoPlugin } from "@otplib/plugin-crypto-node";
import { generateSecret, generateSync, generateURI } from "otplib";
import { KeyedHmac } from "../features/shared/keyed-hmac.js";
import type { Totp, TotpMatch, UnusedStepPreference } from "../ports/totp.js";

const PERIOD = 30;
const DIGITS = 6;
const crypto = new NodeCryptoPlugin();
const base32 = new ScureBase32Plugin();

/**
 * RFC 6238 (SHA-1, 6 digits, 30 s, as Microsoft Authenticator expects): secrets, URIs and
 * codes through otplib. `match` computes the window's codes itself from one keyed HMAC
 * (RFC 4226 truncation, checked against otplib in the unit tests):
 * otplib's verify costs about 20 µs per time step in option handling, and the validation
 * service checks up to 21 steps (±1 accepted, ±10 recognised as a wrong phone clock) on
 * every login.
 */
export class OtplibTotp implements Totp {
  generateSecret(): string {
    return generateSecret({ length: 20, crypto });
  }

  uri(secret: string, issuer: string, label: string): string {
    return generateURI({ strategy: "totp", issuer, label, secret, algorithm: "sha1", digits: DIGITS, period: PERIOD });
  }

  codeAt(secret: string, at: Date): string {
    return generateSync({ secret, strategy: "totp", epoch: Math.floor(at.getTime() / 1000), period: PERIOD, crypto });
  }

  /**
   * The nearest step first (0, -1, +1, -2, …): the first match is the smallest drift, except
   * that a used step (at or before `prefer.after`) within `prefer.within` is kept only until
   * the search has passed that distance without finding an unused one.
   */
  match(secret: string, code: string, at: Date, maxSteps: number, prefer?: UnusedStepPreference): TotpMatch | null {
    if (!/^\d{6}$/.test(code)) return null;
    // Compared as numbers: one machine comparison, whose time does not depend on how many digits agree.
    const typed = Number(code);
    const key = new KeyedHmac("sha1", base32.decode(secret));
    const now = Math.floor(at.getTime() / 1000 / PERIOD);
    const within = prefer?.within ?? -1;
    let used: TotpMatch | null = null;
    for (let distance = 0; distance <= maxSteps; distance++) {
      if (used && distance > within) return used;
      for (const side of distance === 0 ? NOW_ONLY : EARLIER_THEN_LATER) {
        const delta = side * distance;
        if (hotpValue(key, now + delta) !== typed) continue;
        const found = { delta, timeStep: now + delta };
        if (!prefer || found.timeStep > prefer.after || distance > within) return found;
        used ??= found;
      }
    }
    return used;
  }
}

const NOW_ONLY = [1] as const;
const EARLIER_THEN_LATER = [-1, 1] as const;

/** The 8-octet counter, reused: hotp is synchronous. */
const counterMessage = Buffer.alloc(8);

/** RFC 4226: HMAC-SHA-1 of the counter, dynamically truncated, as a number below 10^6. */
function hotpValue(key: KeyedHmac, counter: number): number {
  // Two 32-bit halves, not a BigInt: this runs up to 21 times a login.
  counterMessage.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  counterMessage.writeUInt32BE(counter >>> 0, 4);
  const digest = key.octets(counterMessage);
  const offset = digest.charCodeAt(digest.length - 1) & 0x0f;
  const word =
    ((digest.charCodeAt(offset) & 0x7f) << 24) |
    (digest.charCodeAt(offset + 1) << 16) |
    (digest.charCodeAt(offset + 2) << 8) |
    digest.charCodeAt(offset + 3);
  return word % 10 ** DIGITS;
}

/** The six-digit code (exported for the load generator of bench:radius). */
export function hotp(key: KeyedHmac, counter: number): string {
  return hotpValue(key, counter).toString().padStart(DIGITS, "0");
}
