import { randomInt } from "node:crypto";
import type { SecretBox } from "../../ports/secret-box.js";

/**
 * A temporary access code: 10 characters a person can read aloud and type without
 * confusing 0/O, 1/I/L or 5/S, from the CSPRNG (29 symbols, the last a letter: about 48 bits).
 * It always ends in a letter, so in `password+otp` mode a password followed by a temporary
 * code is never read as a password followed by six digits, and the reverse.
 */
const LETTERS = "ABCDEFGHJKMNPQRTUVWXYZ";
const ALPHABET = `${LETTERS}2346789`;
export const TEMPORARY_CODE_LENGTH = 10;
const SHAPE = new RegExp(`^[${ALPHABET}]{${TEMPORARY_CODE_LENGTH - 1}}[${LETTERS}]$`);

export function generateTemporaryCode(): string {
  let code = "";
  for (let i = 0; i < TEMPORARY_CODE_LENGTH - 1; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code + LETTERS[randomInt(LETTERS.length)];
}

/** The code as typed (any case, spaces and dashes tolerated), or null when it is not one. */
export function normaliseTemporaryCode(input: unknown): string | null {
  if (typeof input !== "string" || input.length > 32) return null;
  const compact = input.replace(/[\s-]/g, "").toUpperCase();
  return SHAPE.test(compact) ? compact : null;
}

/** Shown to the helpdesk member in groups of five, easy to read out over the phone. */
export function groupTemporaryCode(code: string): string {
  return `${code.slice(0, 5)} ${code.slice(5)}`;
}

/** Only this keyed hash is stored. */
export function temporaryCodeHash(secrets: SecretBox, code: string): string {
  return secrets.mac(`tac:${code}`);
}
