/** Base32 runs as long as a TOTP key (spaced in groups or not), data: URIs, otpauth URIs, 6-digit codes. */
const SECRET_LOOKING = [
  [/otpauth:\/\/\S+/g, "otpauth://[redacted]"],
  [/data:[^\s"')]+/g, "data:[redacted]"],
  [/\b(?:[A-Z2-7]{4} ?){4,}[A-Z2-7]*\b/g, "[redacted]"],
  [/\b\d{6}\b/g, "[redacted]"],
] as const;

/**
 * An error as a log field. Messages from other systems can quote what was sent to them (a
 * card with the QR or the key, a code), so anything that looks like a secret is cut out
 * and the message is kept short.
 */
export function errorFields(error: unknown): { name: string; message: string } {
  const name = error instanceof Error ? error.name : typeof error;
  let message = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  for (const [pattern, replacement] of SECRET_LOOKING) message = message.replace(pattern, replacement);
  return { name, message: message.slice(0, 300) };
}
