/**
 * A reminder campaign, as an administrator writes it in a JSON file (campaigns/example.json).
 * Parsed and checked with zod; every default the issue names is applied here.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import type { Campaign } from "../../ports/reminders.js";
import { locales } from "../../i18n/messages.js";

export const DEFAULT_TIME_ZONE = "Europe/Stockholm";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24 h)");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
/** A date (YYYY-MM-DD, local to the window's time zone) or a full ISO-8601 instant with offset. */
const dateOrInstant = z.string().min(10).max(40);
const upn = z
  .string()
  .trim()
  .toLowerCase()
  .min(3)
  .max(256)
  .regex(/^[^\s@]+@[^\s@]+$/, "must be a UPN (name@domain)");

const messageOverrides = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    body: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();

export const windowSchema = z
  .object({
    from: hhmm.default("08:00"),
    to: hhmm.default("17:00"),
    timeZone: z
      .string()
      .default(DEFAULT_TIME_ZONE)
      .refine((zone) => DateTime.now().setZone(zone).isValid, "must be an IANA time zone, e.g. Europe/Stockholm"),
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
    /** Dates (in the window's zone) on which nothing is sent: public holidays, strike days… */
    holidays: z.array(isoDate).default([]),
  })
  .strict()
  .refine((w) => w.from < w.to, { message: "window.from must be before window.to" });

export const campaignSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, "letters, digits, . _ - (max 64)"),
    audience: z.union([
      z.object({ groupDn: z.string().trim().min(1).max(1024) }).strict(),
      z.object({ upns: z.array(upn).min(1).max(200_000) }).strict(),
    ]),
    exclude: z.array(upn).default([]),
    start: dateOrInstant,
    deadline: dateOrInstant,
    /** Working days between two reminders of this campaign to the same person. */
    cadenceDays: z.number().int().min(1).max(60).default(3),
    window: windowSchema.default({ from: "08:00", to: "17:00", timeZone: DEFAULT_TIME_ZONE, days: [1, 2, 3, 4, 5], holidays: [] }),
    maxSnoozes: z.number().int().min(0).max(20).default(3),
    /** How many working days "Remind me later" waits (the reminder comes back at the window's start). */
    snoozeDays: z.number().int().min(1).max(10).default(1),
    messages: z.partialRecord(z.enum(locales), messageOverrides).default({}),
  })
  .strict();

export type CampaignInput = z.input<typeof campaignSchema>;
type Parsed = z.output<typeof campaignSchema>;

/** The schema's output is the port's Campaign (src/ports/reminders.ts) but for the parsed dates: the compiler keeps the two equal. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesPort: SameShape<Omit<Parsed, "start" | "deadline">, Omit<Campaign, "start" | "deadline" | "deadlineDay">> = true;
void _schemaMatchesPort;

export class CampaignError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid campaign:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "CampaignError";
  }
}

function toInstant(value: string, zone: string, endOfDay: boolean): DateTime | null {
  const dt = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? DateTime.fromISO(value, { zone })[endOfDay ? "endOf" : "startOf"]("day")
    : DateTime.fromISO(value, { setZone: true });
  if (!dt.isValid) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null; // an instant needs an offset
  return dt;
}

/** Parses a campaign from already-decoded JSON; throws CampaignError naming each problem. */
export function parseCampaign(json: unknown): Campaign {
  const parsed = campaignSchema.safeParse(json);
  if (!parsed.success) throw new CampaignError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  const c = parsed.data;
  const zone = c.window.timeZone;
  const start = toInstant(c.start, zone, false);
  const deadline = toInstant(c.deadline, zone, true);
  const problems: string[] = [];
  if (!start) problems.push("start: must be YYYY-MM-DD or an ISO-8601 instant with an offset");
  if (!deadline) problems.push("deadline: must be YYYY-MM-DD or an ISO-8601 instant with an offset");
  if (start && deadline && start >= deadline) problems.push("deadline: must be after start");
  if (problems.length > 0 || !start || !deadline) throw new CampaignError(problems);
  return { ...c, start: start.toJSDate(), deadline: deadline.toJSDate(), deadlineDay: deadline.setZone(zone).toISODate() ?? c.deadline };
}

/** Parses campaign file text (JSON). */
export function parseCampaignText(text: string): Campaign {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CampaignError([`not valid JSON: ${(error as Error).message}`]);
  }
  return parseCampaign(json);
}

/** The campaign as stored for the bot process (reminder actions need window, snooze limits and texts). */
export function serialiseCampaign(c: Campaign): string {
  return JSON.stringify({ ...c, start: c.start.toISOString(), deadline: c.deadline.toISOString() });
}

export function deserialiseCampaign(text: string): Campaign {
  const raw = JSON.parse(text) as Campaign & { start: string; deadline: string };
  return { ...raw, start: new Date(raw.start), deadline: new Date(raw.deadline) };
}
