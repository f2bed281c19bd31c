/** The region's clock: every time an employee or the helpdesk reads is Swedish local time, never UTC. */
export const TIME_ZONE = "Europe/Stockholm";

/** A time of day, 24-hour clock ("14:30"). */
export function localTime(at: Date): string {
  return at.toLocaleTimeString("sv-SE", { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit" });
}

/** A date and time ("2026-11-02 17:30"): for what may end on another day. */
export function localDateTime(at: Date): string {
  return at.toLocaleString("sv-SE", { timeZone: TIME_ZONE, dateStyle: "short", timeStyle: "short" });
}
