/** Longest question kept, in characters (code points). */
export const MAX_QUESTION_CHARS = 1000;

/** Questions kept per ticket: the oldest are dropped beyond this. */
export const MAX_QUESTIONS_PER_TICKET = 20;

// Control characters (C0, DEL, C1) except line feed and tab, which become layout below;
// also the bidi overrides and zero-width characters that can disguise text on a card.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

/**
 * The employee's free text, made safe to keep and show: NFC, control characters
 * stripped (CR LF → LF, tabs → space), at most three consecutive line breaks, trimmed,
 * cut at 1000 characters. Empty (or not a string) gives undefined.
 */
export function cleanQuestion(input: unknown): string | undefined {
  if (typeof input !== "string") return undefined;
  const text = input
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .replace(CONTROL, "")
    .replace(/\n{4,}/g, "\n\n\n")
    .trim();
  if (text === "") return undefined;
  const chars = Array.from(text);
  return chars.length > MAX_QUESTION_CHARS ? chars.slice(0, MAX_QUESTION_CHARS).join("").trimEnd() : text;
}
