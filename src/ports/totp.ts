/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s): the only variant Microsoft Authenticator handles everywhere. */
export interface TotpMatch {
  /** Number of 30 s steps between the code's window and now (0 = current window). */
  delta: number;
  /** Absolute time step the code belongs to; used against replay. */
  timeStep: number;
}

/** TOTP.match's preference for a step not yet used: the last used step, and how far from now the preference holds. */
export interface UnusedStepPreference {
  after: number;
  within: number;
}

export interface Totp {
  /** A fresh random secret (20 bytes), base32. */
  generateSecret(): string;
  /** otpauth://totp/... URI for the QR code. */
  uri(secret: string, issuer: string, label: string): string;
  /** The code for `at` (tests and tools only). */
  codeAt(secret: string, at: Date): string;
  /**
   * Where within ±maxSteps of `at` the code is valid (the nearest step first), or null when
   * nowhere. With `prefer`, a matching step after `prefer.after` (the last step already used)
   * within `prefer.within` steps of `at` is chosen over a nearer used one: two steps can
   * share six digits, and the used one must not turn the code of a fresh one into a replay.
   */
  match(secret: string, code: string, at: Date, maxSteps: number, prefer?: UnusedStepPreference): TotpMatch | null;
}
