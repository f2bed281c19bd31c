import type { Clock } from "../ports/clock.js";
import type { Wait } from "../ports/reminders.js";

/** The wall clock, for the entry points; the domain and its tests get a Clock instead. */
export const systemClock: Clock = { now: () => new Date() };

/** A real pause, for the entry points; tests pass a wait that advances a fake clock. */
export const realWait: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
