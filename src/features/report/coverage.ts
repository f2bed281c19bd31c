/**
 * The coverage report: how far the region is. Pure: the people (directory), their progress
 * and tokens (stored state, already reduced in SQL) and the time go in, counts come out.
 *
 * Each person's furthest funnel step is the last one they ever reached (any run); a later
 * step implies the earlier ones (a token from before the audit trail still counts as
 * started…activated). `dropped` at a step: reached the step before, never got past this one,
 * grouped by their last error (the enrollment's stored refusal; for the first login, the
 * latest refused login's reason); "none" when nothing went wrong (they just stopped).
 */
import { DateTime } from "luxon";
import { FUNNEL_STEPS, type FunnelStep, type PersonProgress, type TokenHolder } from "../../ports/coverage.js";

export interface CoveragePerson {
  upn: string;
  loginName: string;
  department?: string;
}

export interface CoverageInput {
  /** The eligible group's members; null when no eligible group is configured (then: everyone with a trace). */
  members: CoveragePerson[] | null;
  progress: PersonProgress[];
  tokens: TokenHolder[];
  now: Date;
  timeZone: string;
  /** How many ISO weeks the trend covers, the current one last. */
  weeks: number;
}

export interface Totals {
  eligible: number;
  /** Active token now. */
  enrolled: number;
  /** Accepted at least once by the validation service (login.validate ok). */
  loggedIn: number;
  notEnrolled: number;
}

export interface FunnelRow {
  step: FunnelStep;
  reached: number;
  /** Reached the step before (for "started": eligible), never got past this one. */
  dropped: number;
  /** `dropped` by last error, most frequent first. */
  reasons: { reason: string; count: number }[];
}

export interface DepartmentRow extends Totals {
  /** The directory's department; "" when it has none. */
  department: string;
}

export interface WeekRow {
  /** ISO week in the report's time zone, e.g. "2026-W11". */
  week: string;
  started: number;
  activated: number;
  firstLogin: number;
  /** People activated by the end of the week (the trend line). */
  activatedTotal: number;
}

export interface CoverageReport {
  generatedAt: Date;
  /** False when no eligible group is configured: then "eligible" means "left a trace". */
  eligibleGroupKnown: boolean;
  totals: Totals;
  funnel: FunnelRow[];
  departments: DepartmentRow[];
  weeks: WeekRow[];
}

export const NO_ERROR = "none";

const swedishOrder = new Intl.Collator("sv");

interface Person extends CoveragePerson {
  token?: TokenHolder;
  progress?: PersonProgress;
}

export function computeCoverage(input: CoverageInput): CoverageReport {
  const people = population(input);
  const reached = new Array<number>(FUNNEL_STEPS.length).fill(0);
  const reasons = FUNNEL_STEPS.map(() => new Map<string, number>());
  const departments = new Map<string, DepartmentRow>();
  const firstDates: Partial<Record<FunnelStep, Date>>[] = [];
  const totals = emptyTotals();

  for (const person of people) {
    const dates = stepDates(person);
    firstDates.push(dates);
    const furthest = furthestStep(dates);
    for (let i = 0; i <= furthest; i++) reached[i]!++;
    if (furthest < FUNNEL_STEPS.length - 1) {
      const stuckAt = furthest + 1;
      const reason = (FUNNEL_STEPS[stuckAt] === "firstLogin" ? person.progress?.lastLoginRefusal : person.progress?.lastError) ?? NO_ERROR;
      reasons[stuckAt]!.set(reason, (reasons[stuckAt]!.get(reason) ?? 0) + 1);
    }
    const department = person.department ?? "";
    let row = departments.get(department);
    if (!row) departments.set(department, (row = { department, ...emptyTotals() }));
    for (const t of [totals, row]) count(t, person.token?.active === true, dates.firstLogin !== undefined);
  }

  return {
    generatedAt: input.now,
    eligibleGroupKnown: input.members !== null,
    totals,
    funnel: FUNNEL_STEPS.map((step, i) => ({
      step,
      reached: reached[i]!,
      dropped: (i === 0 ? people.length : reached[i - 1]!) - reached[i]!,
      reasons: [...reasons[i]!]
        .map(([reason, n]) => ({ reason, count: n }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    })),
    departments: [...departments.values()].sort(
      (a, b) => b.notEnrolled - a.notEnrolled || swedishOrder.compare(a.department, b.department),
    ),
    weeks: weekly(firstDates, input),
  };
}

function emptyTotals(): Totals {
  return { eligible: 0, enrolled: 0, loggedIn: 0, notEnrolled: 0 };
}

function count(t: Totals, enrolled: boolean, loggedIn: boolean): void {
  t.eligible++;
  if (enrolled) t.enrolled++;
  else t.notEnrolled++;
  if (loggedIn) t.loggedIn++;
}

/** The eligible members joined with their progress (by UPN) and tokens (by login name, else UPN). */
function population(input: CoverageInput): Person[] {
  const progress = new Map(input.progress.map((p) => [p.upn, p]));
  const byLogin = new Map(input.tokens.map((t) => [t.loginName, t]));
  const byUpn = new Map(input.tokens.map((t) => [t.upn, t]));
  const members: CoveragePerson[] =
    input.members ??
    [...new Set([...progress.keys(), ...byUpn.keys()])].map((upn) => ({ upn, loginName: byUpn.get(upn)?.loginName ?? "" }));
  const seen = new Set<string>();
  const people: Person[] = [];
  for (const member of members) {
    const upn = member.upn.toLowerCase();
    if (seen.has(upn)) continue;
    seen.add(upn);
    people.push({
      upn,
      loginName: member.loginName,
      department: member.department,
      token: byLogin.get(member.loginName.toLowerCase()) ?? byUpn.get(upn),
      progress: progress.get(upn),
    });
  }
  return people;
}

/** When each step was first reached; a token counts as activated even without its audit event. */
function stepDates(person: Person): Partial<Record<FunnelStep, Date>> {
  const dates = person.progress?.firstAt ?? {};
  const tokenAt = person.token?.firstActivatedAt;
  return tokenAt && (!dates.activated || tokenAt < dates.activated) ? { ...dates, activated: tokenAt } : dates;
}

/** Index of the last step reached; -1 when none. */
function furthestStep(dates: Partial<Record<FunnelStep, Date>>): number {
  for (let i = FUNNEL_STEPS.length - 1; i >= 0; i--) if (dates[FUNNEL_STEPS[i]!]) return i;
  return -1;
}

/** The last `weeks` ISO weeks: who first started, activated and logged in during each. */
function weekly(dates: Partial<Record<FunnelStep, Date>>[], input: CoverageInput): WeekRow[] {
  const thisWeek = DateTime.fromJSDate(input.now, { zone: input.timeZone }).startOf("week");
  const starts: number[] = [];
  const rows: WeekRow[] = [];
  for (let i = input.weeks - 1; i >= 0; i--) {
    const start = thisWeek.minus({ weeks: i });
    starts.push(start.toMillis());
    rows.push({ week: start.toFormat("kkkk-'W'WW"), started: 0, activated: 0, firstLogin: 0, activatedTotal: 0 });
  }
  // Boundaries once, then a search per event: a luxon DateTime per event would be slow on 20,000 people.
  const end = thisWeek.plus({ weeks: 1 }).toMillis();
  let activatedBefore = 0;
  for (const d of dates) {
    for (const step of ["started", "activated", "firstLogin"] as const) {
      const at = d[step]?.getTime();
      if (at === undefined || at >= end) continue;
      const i = lastAtOrBefore(starts, at);
      if (i >= 0) rows[i]![step]++;
      else if (step === "activated") activatedBefore++;
    }
  }
  let total = activatedBefore;
  for (const row of rows) row.activatedTotal = total += row.activated;
  return rows;
}

/** Index of the last value ≤ x in an ascending list; -1 when x is before them all. */
function lastAtOrBefore(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
