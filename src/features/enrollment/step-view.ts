import type { Locale } from "../../i18n/messages.js";
import type { EnrollmentStep } from "../../ports/enrollment-state.js";
import type { Notice } from "../../ports/notice.js";

/** What the bot must show next: the step's card, filled with these values. */
export interface StepView {
  step: EnrollmentStep;
  flowId: string;
  locale: Locale;
  notice?: Notice;
  username?: string;
  maskedMobile?: string;
  /** When the SMS code the user should type was sent (the SMS step); absent when no valid code is out. */
  smsSentAt?: Date;
  /** The SMS step's "new code" button is hidden: the refusal says when one may be asked for. */
  resendBlocked?: boolean;
  deviceSuggestion?: string;
  deviceName?: string;
  /** Knowledge-base article offered because the user seems stuck (see contextual-help.ts). */
  helpArticleId?: string;
  /** Only on the QR step. Contains the secret: never log a StepView. */
  qr?: { uri: string; secret: string; issuer: string; label: string };
}
