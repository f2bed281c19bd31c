/**
 * Message-Authenticator (attribute 80, RFC 3579 §3.2, RFC 2869 §5.14): HMAC-MD5 keyed with
 * the shared secret over the whole packet with the attribute's value zeroed. An
 * Access-Request has no other integrity protection, so without it an attacker who sees
 * one request and its answer can forge an Access-Accept by an MD5 chosen-prefix collision
 * (BlastRADIUS, CVE-2024-3596). We check it ourselves on the raw bytes: the npm `radius`
 * package compares it as UTF-8 strings, which is lossy (different bytes can decode to the
 * same U+FFFD string) and not constant-time.
 */
import { timingSafeEqual } from "node:crypto";
import { LRUCache } from "lru-cache";
import { KeyedHmac } from "../features/shared/keyed-hmac.js";
import { attributesOf, RadiusAttribute, type RadiusPacket } from "./radius-packet.js";

export const MESSAGE_AUTHENTICATOR_LENGTH = 16;
const ZEROES = Buffer.alloc(MESSAGE_AUTHENTICATOR_LENGTH);

/**
 * "absent": no attribute (allowed only for clients that do not require it).
 * "malformed": more than one, or not 16 octets (RFC 3579 allows exactly one).
 * "invalid": the HMAC does not match (wrong secret or a forged packet).
 */
export type MessageAuthenticatorCheck = "valid" | "absent" | "malformed" | "invalid";

/**
 * HMAC-MD5 over `bytes` as if the 16 octets at `valueOffset` were zero, without copying the
 * packet. The caller puts the right authenticator in the header first: the request's own
 * for a request, the Request Authenticator for a response (RFC 3579 §3.2).
 */
export function computeMessageAuthenticator(bytes: Buffer, valueOffset: number, secret: string): Buffer {
  return keyedWith(secret).digest(bytes.subarray(0, valueOffset), ZEROES, bytes.subarray(valueOffset + MESSAGE_AUTHENTICATOR_LENGTH));
}

/** One keyed HMAC per shared secret (the clients file's few), so each packet skips the key setup. */
const keyed = new LRUCache<string, KeyedHmac>({ max: 1_000 });

function keyedWith(secret: string): KeyedHmac {
  let hmac = keyed.get(secret);
  if (!hmac) keyed.set(secret, (hmac = new KeyedHmac("md5", secret)));
  return hmac;
}

/** Checks a request's Message-Authenticator in constant time. */
export function checkMessageAuthenticator(packet: RadiusPacket, secret: string): MessageAuthenticatorCheck {
  const found = attributesOf(packet, RadiusAttribute.MessageAuthenticator);
  if (found.length === 0) return "absent";
  const attribute = found[0]!;
  if (found.length > 1 || attribute.value.length !== MESSAGE_AUTHENTICATOR_LENGTH) return "malformed";
  const expected = computeMessageAuthenticator(packet.bytes, attribute.valueOffset, secret);
  return timingSafeEqual(expected, attribute.value) ? "valid" : "invalid";
}
