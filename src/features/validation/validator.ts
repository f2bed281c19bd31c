/**
 * What the validation service answers when Citrix NetScaler (over RADIUS) or another IdP
 * (over REST) asks whether a login's second factor is right. One domain service implements
 * it (ValidationService); the RADIUS and REST listeners only translate packets and requests.
 */

/** Why a login was accepted or refused; written to the audit trail and answered to REST callers. */
export type ValidationReason =
  | "ok"
  /** The code is not the token's code now (±1 time step). */
  | "wrongCode"
  /** The code's time step was already used (or an earlier one was). */
  | "replay"
  /** Too many wrong codes: the token is locked for a while (or until the helpdesk clears it). */
  | "locked"
  /** The user has no active token (never enrolled, replaced, revoked). */
  | "noToken"
  /** The directory account is disabled or expired. */
  | "disabled"
  /** The directory account is locked out (AD lockout). */
  | "accountLocked"
  /** Not in the eligible group. */
  | "notEligible"
  /** No directory account by that name. */
  | "unknownUser"
  /** Too many requests for this user (or from this client) right now. */
  | "throttled"
  /** challenge mode: the AD password is wrong. */
  | "wrongPassword"
  /**
   * password+otp mode, answered for a wrong password, a wrong code or an unknown user alike
   * (the audit trail keeps which): otherwise the answer would tell whether a guessed
   * password is right without the second factor.
   */
  | "wrongPasswordOrCode"
  /** The password must be changed first (password+otp and challenge modes). */
  | "passwordExpired"
  /** challenge mode: the State is unknown, expired or already answered. */
  | "challengeExpired"
  /** A helpdesk temporary access code whose time is up. */
  | "temporaryAccessExpired"
  /** The request carried no usable user name or code. */
  | "badRequest";

export interface ValidationOutcome {
  ok: boolean;
  reason: ValidationReason;
}

/** Who asks, for the audit trail and the throttles. */
export interface LoginAttempt {
  /** As sent: the login name, DOMAIN\login or the UPN, any case. */
  userName: string;
  /** The RADIUS client's configured name, or "rest". */
  client: string;
  channel: "radius" | "rest";
}

export type ChallengeStart = { ok: true; state: string } | (ValidationOutcome & { ok: false });

export interface Validator {
  /** `otp` mode and REST: the six digits from the app. */
  checkCode(attempt: LoginAttempt, code: string): Promise<ValidationOutcome>;
  /** `password+otp` mode: the AD password and the code, already split apart. */
  checkPasswordAndCode(attempt: LoginAttempt, password: string, code: string): Promise<ValidationOutcome>;
  /** `challenge` mode, first round: the AD password. Right: an opaque single-use State for the second round. */
  startChallenge(attempt: LoginAttempt, password: string): Promise<ChallengeStart>;
  /** `challenge` mode, second round: the code with the State from the first (consumed by any answer). */
  answerChallenge(attempt: LoginAttempt, state: string, code: string): Promise<ValidationOutcome>;
}
