import { ACCOUNT_ACTIVITY_PHRASES } from "../../features/audit/account-activity.js";
import { languages, locales, type Locale } from "../../i18n/messages.js";

/** What a typed message asks for. Free-text questions are "other"; "language" switches to `locale`. */
export type TextCommand = "greet" | "language" | "cancel" | "help" | "reports" | "coverage" | "lostPhone" | "activity" | "other";

const commands: Record<Exclude<TextCommand, "other" | "language">, string[]> = {
  greet: [
    "hej",
    "hejsan",
    "hallå",
    "hi",
    "hello",
    "hey",
    "enroll",
    "enrol",
    "registrera",
    "start",
    "starta",
    "börja",
    "kom igång",
    "otp",
    "aktivera",
  ],
  cancel: ["avbryt", "cancel", "stop", "stopp"],
  help: ["hjälp", "hjalp", "help", "support", "?", "meny", "menu"],
  /** The reminder delivery report (helpdesk only; src/features/reminders/reminder-reports.ts). */
  reports: ["påminnelser", "paminnelser", "reminders", "påminnelserapport", "reminder report"],
  /** The coverage report (helpdesk only; src/features/report/). */
  coverage: ["statistik", "report", "rapport", "täckning", "coverage", "statistics", "stats"],
  /** The caller's own last account events (src/features/audit/account-activity.ts). */
  activity: ACCOUNT_ACTIVITY_PHRASES,
  /** Straight to blocking the lost phone's token (the article's button leads there too). */
  lostPhone: [
    "jag har tappat min telefon",
    "jag har tappat min mobil",
    "tappat min telefon",
    "tappat telefonen",
    "i lost my phone",
    "i have lost my phone",
    "lost my phone",
    "lost phone",
  ],
};

export function classifyText(text: string): { command: TextCommand; locale?: Locale } {
  const normalised = text
    .trim()
    .toLowerCase()
    .replace(/[!.?,]+$/u, "")
    .replace(/\s+/g, " ");
  const locale = locales.find((l) => languages[l].switchWords.includes(normalised));
  if (locale) return { command: "language", locale };
  for (const [command, words] of Object.entries(commands) as [Exclude<TextCommand, "other" | "language">, string[]][]) {
    if (words.includes(normalised)) return { command };
  }
  return { command: "other" };
}
