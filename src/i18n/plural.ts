import { languages, t, type Locale, type MessageKey } from "./messages.js";

/** A text with a `.one` and an `.other` form in every catalog. */
type PluralUnit = "unit.minute" | "report.moreDepartments" | "reminder.snoozes";

/** "1 minut", "2 minuter": the language's own plural rule (Intl.PluralRules), not "minut(er)". */
export function countOf(locale: Locale, unit: PluralUnit, count: number): string {
  const form = new Intl.PluralRules(languages[locale].tag).select(count) === "one" ? "one" : "other";
  return t(locale, `${unit}.${form}` as MessageKey, { count });
}
