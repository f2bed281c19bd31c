/**
 * Sealed values name their data key: v2.<keyId>.<iv>.<tag>.<ciphertext> (base64url parts,
 * AES-256-GCM with "v2.<keyId>" as associated data). v1.<iv>.<tag>.<ciphertext> is the
 * format before envelope encryption (one key from ENCRYPTION_KEY / the local key file):
 * still opened, and re-sealed by rotation.
 */
export const LEGACY_KEY_ID = "v1";

/** The data key a sealed value names: its id, LEGACY_KEY_ID for v1, null when unreadable. */
export function sealedKeyId(sealed: string): string | null {
  if (sealed.startsWith("v1.")) return LEGACY_KEY_ID;
  if (!sealed.startsWith("v2.")) return null;
  const end = sealed.indexOf(".", 3);
  return end > 3 ? sealed.slice(3, end) : null;
}
