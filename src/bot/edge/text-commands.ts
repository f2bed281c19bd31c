import { ACCOUNT_ACTIVITY_PHRASES } from "../../features/audit/account-activity.js";
import { languages, locales, type Locale } from "../../i18n/messages.js";

/** What a typed message asks for. Free-text questions are "other"; "language" switches to `locale`. */
export type TextCommand = "greet" | "language" | "cancel" | "help" | "reports" | "coverage" | "lostPhone" | "activity" | "other";
type WordCommand = Exclude<TextCommand, "other" | "language">;

/**
 * The words of each command, by the language they are in: a Swedish word answers in Swedish
 * whatever the Teams client's locale ("hej" on an English client), an English one in English.
 * `any`: words both languages use ("start", "otp", "?"), which leave the language as it was.
 */
const commands: Record<WordCommand, Partial<Record<Locale | "any", readonly string[]>>> = {
  greet: {
    sv: ["hej", "hejsan", "hallå", "registrera", "starta", "börja", "kom igång", "aktivera"],
    en: ["hi", "hello", "hey", "enroll", "enrol"],
    any: ["start", "otp"],
  },
  cancel: { sv: ["avbryt", "stopp"], en: ["cancel", "stop"] },
  help: { sv: ["hjälp", "hjalp", "meny"], en: ["help", "menu"], any: ["support", "?"] },
  /** The reminder delivery report (helpdesk only; src/features/reminders/reminder-reports.ts). */
  reports: { sv: ["påminnelser", "paminnelser", "påminnelserapport"], en: ["reminders", "reminder report"] },
  /** The coverage report (helpdesk only; src/features/report/). */
  coverage: { sv: ["statistik", "rapport", "täckning"], en: ["report", "coverage", "statistics", "stats"] },
  /** The caller's own last account events (src/features/audit/account-activity.ts). */
  activity: { any: ACCOUNT_ACTIVITY_PHRASES },
  /** Straight to blocking the lost phone's token (the article's button leads there too). */
  lostPhone: {
    sv: ["jag har tappat min telefon", "jag har tappat min mobil", "tappat min telefon", "tappat telefonen"],
    en: ["i lost my phone", "i have lost my phone", "lost my phone", "lost phone"],
  },
};

/**
 * The command of a typed message and the language its words are in (undefined when they say
 * nothing about it). For "language" the locale is the one asked for.
 */
export function classifyText(text: string): { command: TextCommand; locale?: Locale } {
  const normalised = text
    .trim()
    .toLowerCase()
    .replace(/[!.?,]+$/u, "")
    .replace(/\s+/g, " ");
  const locale = locales.find((l) => languages[l].switchWords.includes(normalised));
  if (locale) return { command: "language", locale };
  for (const [command, byLanguage] of Object.entries(commands) as [WordCommand, (typeof commands)[WordCommand]][]) {
    for (const [language, words] of Object.entries(byLanguage) as [Locale | "any", readonly string[]][]) {
      if (words.includes(normalised)) return language === "any" ? { command } : { command, locale: language };
    }
  }
  return { command: "other" };
}
