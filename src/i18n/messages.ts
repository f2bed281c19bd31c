import { en } from "./en.js";
import { sv } from "./sv.js";

/** The languages the bot speaks; the first is the default. */
export const locales = ["sv", "en"] as const;
export type Locale = (typeof locales)[number];
export type MessageKey = keyof typeof sv;
export type MessageCatalog = Record<MessageKey, string>;

const catalogs: Record<Locale, MessageCatalog> = { sv, en };

/** What else each language needs besides its catalog. */
export const languages: Record<
  Locale,
  { /** BCP 47 tag for dates. */ tag: string /** What a user types to switch to it. */; switchWords: readonly string[] }
> = {
  sv: { tag: "sv-SE", switchWords: ["svenska", "swedish", "på svenska", "in swedish"] },
  en: { tag: "en-GB", switchWords: ["english", "engelska", "in english", "på engelska"] },
};

/** The language of a Teams locale tag ("en-US" → en); the default (Swedish) for any other. */
export function localeFrom(tag: string | undefined | null): Locale {
  const lower = tag?.toLowerCase() ?? "";
  return locales.find((locale) => lower.startsWith(locale)) ?? locales[0];
}

/** The text for `key` with `{name}` placeholders filled in. */
export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Every text of one language, for binding into card templates. */
export function catalog(locale: Locale): MessageCatalog {
  return catalogs[locale];
}
