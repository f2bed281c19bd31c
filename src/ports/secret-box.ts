/**
 * Server-side keys. `seal`/`open` encrypt TOTP secrets at rest (AES-256-GCM);
 * `mac` keys the hashes of short codes so a stolen database does not reveal them.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Throws when the ciphertext was tampered with or sealed with another key. */
  open(sealed: string): string;
  /** Keyed hash (HMAC-SHA256), hex. */
  mac(data: string): string;
}
