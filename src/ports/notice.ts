import type { MessageKey } from "../i18n/messages.js";

/** A message for the user: an i18n key plus values to fill in. */
export interface Notice {
  key: MessageKey;
  params?: Record<string, string | number>;
  /** Refusals are shown as warnings; information as plain text. */
  kind: "refusal" | "info";
  /** Texts listed after the notice's own, in the same language ("Cleared: the password block, …"). */
  list?: MessageKey[];
}
