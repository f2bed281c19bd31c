import type { Locale } from "../i18n/messages.js";

/** Who is talking to the bot: one Teams member record (resolved at the edge, src/bot/edge/caller-resolver.ts). */
export interface Caller {
  /** Entra object id from Teams member info: the key of the enrollment state, conversation and tickets. */
  userKey: string;
  /** UPN from the same member record, lowercase. */
  upn: string;
  locale: Locale;
  /** The Teams client's platform when it says ("iOS", "Android", "Web", …): only for a friendlier suggestion, never trusted. */
  clientPlatform?: string;
}
