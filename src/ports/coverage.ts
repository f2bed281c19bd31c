/**
 * What the coverage report reads from the stored state (src/adapters/sql/report-queries.ts):
 * one row per person who left a trace, already reduced in SQL from the audit trail, the
 * tokens and the enrollment rows. Times are Dates; absent means "never".
 */

/** The enrollment funnel's steps, in order (src/features/report/coverage.ts). */
export const FUNNEL_STEPS = ["started", "identity", "sms", "qrShown", "activated", "firstLogin"] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export interface PersonProgress {
  /** Lowercase UPN (the audit trail's subject). */
  upn: string;
  /** When the person first reached each step (from the audit trail; activated also from tokens). */
  firstAt: Partial<Record<FunnelStep, Date>>;
  /** The last refusal their enrollment run stored (an i18n key such as "error.noMobile"). */
  lastError?: string;
  /** The reason of their latest refused login (login.validate), e.g. "wrongCode". */
  lastLoginRefusal?: string;
}

export interface TokenHolder {
  /** Lowercase login name. */
  loginName: string;
  /** Lowercase UPN stored with the token. */
  upn: string;
  /** Has an active token now. */
  active: boolean;
  /** The first token's activation. */
  firstActivatedAt: Date;
}

export interface CoverageSource {
  /** Everyone with an enrollment or login trace in the audit trail or the enrollment rows. */
  progress(): Promise<PersonProgress[]>;
  /** Everyone who ever activated a token. */
  tokenHolders(): Promise<TokenHolder[]>;
}
