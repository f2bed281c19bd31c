import { t, type Locale, type MessageKey } from "./messages.js";

type PluralUnit = "unit.minute";

/** "1 minut", "2 minuter": the language's own plural rule (Intl.PluralRules), not "minut(er)". */
export function countOf(locale: Locale, unit: PluralUnit, count: number): string {
  const form = new Intl.PluralRules(locale === "sv" ? "sv-SE" : "en-GB").select(count) === "one" ? "one" : "other";
  return t(locale, `${unit}.${form}` as MessageKey, { count });
}

/** A time of day as the employee reads it: Swedish local time (Europe/Stockholm), 24-hour clock. */
export function localTime(at: Date): string {
  return at.toLocaleTimeString("sv-SE", { timeZone: "Europe/Stockholm", hour: "2-digit", minute: "2-digit" });
}

/** A date and time in Swedish local time ("2026-11-02 17:30"): for what may end on another day. */
export function localDateTime(at: Date): string {
  return at.toLocaleString("sv-SE", { timeZone: "Europe/Stockholm", dateStyle: "short", timeStyle: "short" });
}
