/** Limits of the enrollment flow. Defaults follow the security model in DESIGN.md. */
export interface EnrollmentPolicy {
  smsCodeTtlSeconds: number;
  smsMaxAttempts: number;
  smsResendCooldownSeconds: number;
  smsMaxPerUserPerHour: number;
  /** Across all users: SMS pumping costs real money. */
  smsMaxGlobalPerHour: number;
  /** Wrong SMS codes per user in 24 hours, across codes and flows (resends need no new login). */
  smsWrongMaxPerDay: number;
  passwordMaxFailures: number;
  passwordBlockMinutes: number;
  /**
   * Password checks (directory binds) per user in a sliding window, counted before the bind
   * so concurrent submits cannot outrun the failure count (and lock the AD account).
   */
  passwordChecksMax: number;
  passwordChecksWindowMinutes: number;
  confirmMaxFailures: number;
  /** Codes this many 30 s steps away are recognised as a wrong phone clock. */
  clockDriftMaxSteps: number;
  /** An unfinished enrollment idle this long must start over (the pending secret dies with it). */
  flowIdleMinutes: number;
  /** HELPDESK_PHONE: whom the "new authenticator" SMS tells the user to call; unset, it names no number. */
  helpdeskPhone?: string;
  totpIssuer: string;
}

export const defaultEnrollmentPolicy: EnrollmentPolicy = {
  smsCodeTtlSeconds: 300,
  smsMaxAttempts: 5,
  smsResendCooldownSeconds: 60,
  smsMaxPerUserPerHour: 3,
  smsMaxGlobalPerHour: 1000,
  smsWrongMaxPerDay: 15,
  passwordMaxFailures: 5,
  passwordBlockMinutes: 15,
  passwordChecksMax: 10,
  passwordChecksWindowMinutes: 15,
  confirmMaxFailures: 5,
  clockDriftMaxSteps: 10,
  flowIdleMinutes: 30,
  totpIssuer: "Region JH",
};
