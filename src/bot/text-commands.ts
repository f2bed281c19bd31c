/** What a typed message asks for. Free-text questions are "other". */
export type TextCommand = "greet" | "english" | "swedish" | "cancel" | "help" | "reports" | "coverage" | "other";

const commands: Record<Exclude<TextCommand, "other">, string[]> = {
  greet: ["hej", "hejsan", "hallå", "hi", "hello", "hey", "enroll", "enrol", "registrera", "start", "starta", "börja", "kom igång", "otp", "aktivera"],
  english: ["english", "engelska", "in english", "på engelska"],
  swedish: ["svenska", "swedish", "på svenska", "in swedish"],
  cancel: ["avbryt", "cancel", "stop", "stopp"],
  help: ["hjälp", "hjalp", "help", "support", "?", "meny", "menu"],
  /** The reminder delivery report (helpdesk only; src/bot/reminder-reports.ts). */
  reports: ["påminnelser", "paminnelser", "reminders", "påminnelserapport", "reminder report"],
  /** The coverage report (helpdesk only; src/features/report/). */
  coverage: ["statistik", "report", "rapport", "täckning", "coverage", "statistics", "stats"],
};

export function classifyText(text: string): TextCommand {
  const normalised = text.trim().toLowerCase().replace(/[!.?,]+$/u, "").replace(/\s+/g, " ");
  for (const [command, words] of Object.entries(commands) as [Exclude<TextCommand, "other">, string[]][]) {
    if (words.includes(normalised)) return command;
  }
  return "other";
}
