/**
 * User-Password (RFC 2865 §5.2): the password, NUL-padded to a multiple of 16 octets, XORed
 * block by block with MD5(secret + previous ciphertext block), the first block chained on
 * the Request Authenticator. Decrypted here rather than by the npm `radius` package, which
 * cuts each 16-octet block at its first NUL and glues the rest on (so "ab\0…" + "cd" reads
 * "abcd") and replaces invalid UTF-8 with U+FFFD: the password and the code go to the
 * directory and the token check exactly as the user typed them, or not at all.
 */
import { hash } from "node:crypto";

const BLOCK = 16;
/** RFC 2865 §5.2: at most 128 octets. */
const MAX_LENGTH = 128;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The cleartext, or null when the value cannot be a well-formed User-Password. */
export function decryptUserPassword(value: Buffer, secret: string, requestAuthenticator: Buffer): string | null {
  if (value.length < BLOCK || value.length > MAX_LENGTH || value.length % BLOCK !== 0) return null;
  const clear = Buffer.alloc(value.length);
  const key = Buffer.from(secret, "utf8");
  let chain = requestAuthenticator;
  for (let start = 0; start < value.length; start += BLOCK) {
    const pad = hash("md5", Buffer.concat([key, chain]), "binary");
    for (let i = 0; i < BLOCK; i++) clear[start + i] = value[start + i]! ^ pad.charCodeAt(i);
    chain = value.subarray(start, start + BLOCK);
  }
  let end = clear.length;
  while (end > 0 && clear[end - 1] === 0) end--;
  const password = clear.subarray(0, end);
  // Only the padding may be NUL: a NUL inside is either a wrong secret or a crafted packet.
  if (password.includes(0)) return null;
  try {
    return utf8.decode(password);
  } catch {
    return null;
  }
}
