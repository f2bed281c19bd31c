/**
 * Text from people, made inert before it is bound into a card.
 *
 * Teams renders Markdown in Adaptive Card TextBlocks and FactSet titles and values (bold,
 * italic, lists, [links](url)), and chat clients built on markdown-it (Web Chat, the Agents
 * Playground) also autolink bare URLs and host names. So text an employee typed, or that
 * the directory holds, must not reach a card as Markdown: "[Reset your password
 * here](https://evil.example/login)" in a question would be a live link on the helpdesk's
 * ticket card. Every such value goes through this file on its way into a card; the
 * catalog's own Markdown (src/i18n) and the knowledge articles stay as written.
 *
 * - escapeMarkdown: a backslash before every character Markdown gives a meaning
 *   (CommonMark escapes; Teams desktop, web and mobile honour them, a client that does not
 *   shows the backslash and still renders nothing), and before list and heading markers
 *   at a line start ("1.", "-", "+", "#", "=").
 * - defangLinks: for free text and names, "scheme://" becomes "scheme[:]//" and the dots
 *   of anything shaped like a host name (also in e-mail addresses) become "[.]", so no
 *   renderer can turn it into a link and the helpdesk still reads what was written.
 *   Identifiers the helpdesk copies (UPNs, login names) are escaped, not defanged: they
 *   come from Teams and the directory, and a mailto: of the employee's own address is harmless.
 */
import { t, type Locale, type MessageKey } from "../../i18n/messages.js";

/** ASCII punctuation with a Markdown (or HTML-entity, or Adaptive Card {{DATE()}}) meaning anywhere in a line. */
const INLINE_SPECIAL = /[\\`*_{}[\]()#+\-!|~<>&]/g;
/** A numbered-list marker ("1." / "1)") or a setext underline ("===") at the start of a line. */
const LINE_START_SPECIAL = /^(\s*)(\d+)\.(?=\s|$)|^(\s*)=/;
/** "https://", "ftp://", …: a scheme a linkifier recognises. */
const SCHEME = /\b([a-z][a-z0-9+.-]*):(?=\/\/)/gi;
/** Something shaped like a host name: labels joined by dots, ending in two or more letters. */
const HOST = /(?<![\p{L}\p{N}-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}(?![\p{L}\p{N}-])/gu;

export function escapeMarkdown(text: string): string {
  return text
    .split("\n")
    .map((line) =>
      line
        .replace(INLINE_SPECIAL, "\\$&")
        .replace(
          LINE_START_SPECIAL,
          (_match, numberedIndent: string | undefined, number: string | undefined, underlineIndent: string | undefined) =>
            number !== undefined ? `${numberedIndent ?? ""}${number}\\.` : `${underlineIndent ?? ""}\\=`,
        ),
    )
    .join("\n");
}

export function defangLinks(text: string): string {
  return text.replace(SCHEME, "$1[:]").replace(HOST, (host) => host.replace(/\./g, "[.]"));
}

/** Free text and names (questions, reasons, device names, display names, departments): escaped and defanged. */
export function cardText(text: string): string {
  return escapeMarkdown(defangLinks(text));
}

/** Identifiers shown to be copied (UPN, login name, campaign id): escaped only. */
export function cardIdentifier(text: string): string {
  return escapeMarkdown(text);
}

/**
 * How a catalog placeholder's value is bound: `text` (the default: anything from people),
 * `identifier`, or `trusted` (the bot's own formatting or configuration, e.g. the Citrix
 * address, which must stay a link, and formatted dates).
 */
export type ParamKind = "text" | "identifier" | "trusted";
export type Params = Record<string, string | number>;

/** The placeholders' values as they go into a card: numbers as they are, strings by their kind. */
export function cardParams(params: Params = {}, kinds: Partial<Record<string, ParamKind>> = {}): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(params)) {
    const kind = kinds[name] ?? "text";
    out[name] = typeof value !== "string" || kind === "trusted" ? value : kind === "identifier" ? cardIdentifier(value) : cardText(value);
  }
  return out;
}

/** t() for a card (or a Markdown chat message): the catalog's Markdown kept, its placeholders' values made inert. */
export function cardT(locale: Locale, key: MessageKey, params?: Params, kinds?: Partial<Record<string, ParamKind>>): string {
  return t(locale, key, cardParams(params, kinds));
}
