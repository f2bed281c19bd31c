import type { Locale } from "../i18n/messages.js";

/**
 * The persisted state of one user's enrollment conversation. Plain JSON so any store can
 * keep it; times are ISO strings. It never holds a password, and the SMS code only as a
 * keyed hash; the pending TOTP secret only sealed (encrypted).
 */
export type EnrollmentStep = "welcome" | "identity" | "sms" | "device" | "qr" | "done" | "cancelled";

export interface SmsChallenge {
  codeHash: string;
  sentAt: string;
  expiresAt: string;
  attempts: number;
}

export interface EnrollmentState {
  /** Random id printed into every card of this run; a card from another run is stale. */
  flowId: string;
  step: EnrollmentStep;
  locale: Locale;
  startedAt: string;
  updatedAt: string;
  /** The Teams caller's UPN (lowercase), from Teams member info. */
  callerUpn: string;
  /**
   * Filled once the directory account is known. `mobile` (E.164) only while this flow may
   * still send an SMS code: see forStorage.
   */
  account?: { id: string; loginName: string; displayName: string; givenName?: string; mobile?: string };
  /** The caller's own login name from the directory, pre-filled on the identity card (still editable). */
  loginHint?: string;
  passwordFailures: number;
  passwordBlockedUntil?: string;
  sms?: SmsChallenge;
  /** Keyed hash of the verified SMS code, to recognise it when typed as the app code. */
  verifiedSmsCodeHash?: string;
  /** Kept across restarts of the flow so starting over cannot bypass the resend cooldown. */
  lastSmsSentAt?: string;
  deviceName?: string;
  /** Sealed TOTP secret waiting for its first code. */
  pendingSecret?: string;
  qrShownAt?: string;
  confirmFailures: number;
  /** i18n key of the last refusal, for the helpdesk. */
  lastError?: string;
  /** True when an older active token will be replaced. */
  reEnrollment?: boolean;
}
