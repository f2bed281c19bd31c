/** The sending window and working days, in the campaign's time zone (luxon; no wall clock read here). */
import { DateTime } from "luxon";
import type { ReminderWindow } from "../../ports/reminders.js";

function local(at: Date, window: ReminderWindow): DateTime {
  return DateTime.fromJSDate(at, { zone: window.timeZone });
}

function minutesOf(hhmm: string): number {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** The local calendar day of `at` (YYYY-MM-DD) in the window's zone. */
export function localDay(at: Date, window: ReminderWindow): string {
  return local(at, window).toISODate() ?? "";
}

export function isWorkingDay(day: DateTime, window: ReminderWindow): boolean {
  return window.days.includes(day.weekday) && !window.holidays.includes(day.toISODate() ?? "");
}

/** True on a working day between window.from (inclusive) and window.to (exclusive), local time. */
export function isInWindow(at: Date, window: ReminderWindow): boolean {
  const t = local(at, window);
  if (!isWorkingDay(t, window)) return false;
  const minutes = t.hour * 60 + t.minute;
  return minutes >= minutesOf(window.from) && minutes < minutesOf(window.to);
}

/** Working days from `start`'s local day (inclusive) up to `at`'s local day (exclusive). */
export function workingDaysSince(start: Date, at: Date, window: ReminderWindow): number {
  let day = local(start, window).startOf("day");
  const end = local(at, window).startOf("day");
  let count = 0;
  for (let guard = 0; day < end && guard < 3660; guard++) {
    if (isWorkingDay(day, window)) count++;
    day = day.plus({ days: 1 });
  }
  return count;
}

/** The window's opening time on the n-th working day after `at`'s local day (n ≥ 1). */
export function windowStartAfterWorkingDays(at: Date, n: number, window: ReminderWindow): Date {
  let day = local(at, window).startOf("day");
  let left = Math.max(1, n);
  for (let guard = 0; left > 0 && guard < 3660; guard++) {
    day = day.plus({ days: 1 });
    if (isWorkingDay(day, window)) left--;
  }
  const from = minutesOf(window.from);
  return day.set({ hour: Math.floor(from / 60), minute: from % 60 }).toJSDate();
}
