import { en } from "./en.js";
import { sv } from "./sv.js";

export type Locale = "sv" | "en";
export type MessageKey = keyof typeof sv;
export type MessageCatalog = Record<MessageKey, string>;

const catalogs: Record<Locale, MessageCatalog> = { sv, en };

/** Swedish unless the Teams locale (or the user's choice) is English. */
export function localeFrom(tag: string | undefined | null): Locale {
  return tag?.toLowerCase().startsWith("en") ? "en" : "sv";
}

/** The text for `key` with `{name}` placeholders filled in. */
export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Every text of one language, for binding into card templates. */
export function catalog(locale: Locale): MessageCatalog {
  return catalogs[locale];
}
