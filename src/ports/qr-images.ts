/** Draws a QR code. The text (an otpauth URI with the secret) stays in memory: never logged, never in an error. */
export interface QrImages {
  /** `text` as a QR code PNG, as a `data:image/png;base64,…` URI for a card. Rejects with a QrImageError. */
  pngDataUri(text: string): Promise<string>;
}
