import type { Locale, MessageKey } from "../../i18n/messages.js";
import type { EnrollmentStep } from "./enrollment-state.js";

/** A message for the user: an i18n key plus values to fill in. */
export interface Notice {
  key: MessageKey;
  params?: Record<string, string | number>;
  /** Refusals are shown as warnings; information as plain text. */
  kind: "refusal" | "info";
}

/** What the bot must show next: the step's card, filled with these values. */
export interface StepView {
  step: EnrollmentStep;
  flowId: string;
  locale: Locale;
  notice?: Notice;
  username?: string;
  maskedMobile?: string;
  deviceSuggestion?: string;
  deviceName?: string;
  /** Knowledge-base article offered because the user seems stuck (see contextual-help.ts). */
  helpArticleId?: string;
  /** Only on the QR step. Contains the secret: never log a StepView. */
  qr?: { uri: string; secret: string; issuer: string; label: string };
}
