/**
 * Helpdesk-issued temporary access codes (lost phone, phone left at home): accepted by the
 * validation service in place of a TOTP code until they expire. Stored only as a keyed hash.
 */
export interface NewTemporaryAccess {
  id: string;
  /** The directory login name (lowercase), as the validation service looks it up. */
  loginName: string;
  upn: string;
  /** SecretBox.mac of the code: the database alone cannot answer a login with it. */
  codeHash: string;
  /** The helpdesk member's UPN. */
  issuedBy: string;
  issuedAt: Date;
  expiresAt: Date;
  /** Usable again within its lifetime; single use when false. */
  reusable: boolean;
}

export interface TemporaryAccess extends NewTemporaryAccess {
  /** The last accepted login with it. */
  usedAt?: Date;
  /** Ended: used (single use), replaced, ended by an enrollment or the helpdesk's Clear, or too many wrong tries. */
  endedAt?: Date;
  /** Tries at it so far (each counted before it is compared). */
  failedTries: number;
}

export interface TemporaryAccessStore {
  /** Ends the login's open grant, if any, and stores this one, in one transaction. */
  issue(grant: NewTemporaryAccess): Promise<void>;
  /** The login's newest grant, open or ended (for the helpdesk card and the "why" answer). */
  latest(loginName: string): Promise<TemporaryAccess | null>;
  /**
   * Counts a try at the login's open grant (not ended, not expired at `now`) in one atomic
   * write before it is compared, and returns it with `failedTries` = this try's number;
   * null when the login has no open grant.
   */
  countTry(loginName: string, now: Date): Promise<TemporaryAccess | null>;
  /**
   * Records an accepted login with the grant, in one conditional write: a single-use grant
   * ends with it. False when it was no longer open (used by a concurrent login, ended, expired).
   */
  use(id: string, now: Date): Promise<boolean>;
  /** Ends the login's open grant; true when there was one. */
  end(loginName: string, at: Date): Promise<boolean>;
}
