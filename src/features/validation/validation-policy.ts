/** Limits of the validation service (RADIUS and REST). Defaults in defaultValidationPolicy. */
export interface ValidationPolicy {
  /** Consecutive wrong codes that lock a token… */
  maxFailures: number;
  /** …for this long. */
  lockMinutes: number;
  /** Requests per user name and minute, counted before any other work (flood protection). */
  userMaxPerMinute: number;
  /** challenge mode: how long the second round may take. */
  challengeSeconds: number;
  /** Codes this many 30 s steps away are recognised (and audited) as a phone clock that is off. */
  clockDriftMaxSteps: number;
}

export const defaultValidationPolicy: ValidationPolicy = {
  maxFailures: 10,
  lockMinutes: 30,
  userMaxPerMinute: 20,
  challengeSeconds: 120,
  clockDriftMaxSteps: 10,
};
