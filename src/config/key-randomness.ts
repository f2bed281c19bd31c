/**
 * Whether 32 key bytes look like they came from a CSPRNG (`openssl rand -base64 32`) rather
 * than from a person: a passphrase, a pattern, zero-filled or counting bytes. No test can
 * prove randomness; these refuse what people actually type or paste, while a random key
 * fails one of them with a probability of about 2e-8 (computed exactly for each threshold:
 * binomial for the text test, Stirling numbers for the distinct counts).
 */

/** Text: printable ASCII, tab, CR, LF. A random byte is one of these with p = 98/256. */
const isTextByte = (b: number) => (b >= 0x20 && b <= 0x7e) || b === 0x09 || b === 0x0a || b === 0x0d;
/**
 * At least this many text bytes in 32 means a passphrase (one in UTF-8 with two å/ä/ö still
 * has 28). Random: ~12 on average; 28 or more with p ≈ 1.2e-8.
 */
const MAX_TEXT_BYTES = 27;
/** 32 random bytes take ~30 distinct values; fewer than 20 with p ≈ 1.4e-10. */
const MIN_DISTINCT_BYTES = 20;
/**
 * The 31 differences between neighbouring bytes are uniform too (~29 distinct); a counter or
 * any arithmetic progression has one. Fewer than 20 with p ≈ 1.3e-9.
 */
const MIN_DISTINCT_STEPS = 20;
/**
 * Shannon entropy of the byte histogram (at most log2(32) = 5 bits for 32 bytes). Below 4
 * needs one value about ten times, e.g. a random key partly zero-filled; random: p < 1e-12.
 */
const MIN_ENTROPY_BITS = 4;

function histogramEntropyBits(bytes: Uint8Array): number {
  const counts = new Map<number, number>();
  for (const b of bytes) counts.set(b, (counts.get(b) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / bytes.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function distinctSteps(bytes: Uint8Array): number {
  const steps = new Set<number>();
  for (let i = 1; i < bytes.length; i++) steps.add((bytes[i]! - bytes[i - 1]! + 256) & 0xff);
  return steps.size;
}

/**
 * Null when the key passes, else why not, in words that never quote the key. Meant for
 * 32-byte keys (the schema checks the length first).
 */
export function keyRandomnessProblem(key: Uint8Array): string | null {
  if (key.filter(isTextByte).length > MAX_TEXT_BYTES) return "is text (a passphrase?), not random bytes";
  if (new Set(key).size < MIN_DISTINCT_BYTES) return "repeats too few byte values to be random (a pattern or zero-filled?)";
  if (distinctSteps(key) < MIN_DISTINCT_STEPS) return "is a sequence (counting or repeating bytes), not random bytes";
  if (histogramEntropyBits(key) < MIN_ENTROPY_BITS) return "has too little entropy to be random (partly zero-filled?)";
  return null;
}
