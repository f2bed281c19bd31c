/**
 * challenge-mode RADIUS logins between their two rounds: the password was right, the code
 * is still to come. Shared by every instance (NetScaler may send the second round to
 * another server), single use, short-lived.
 */
export interface PendingChallenge {
  /** A hash of the State sent to the client, never the State itself. */
  stateHash: string;
  loginName: string;
  /** The RADIUS client that asked: only it may answer. */
  client: string;
  expiresAt: Date;
}

export interface LoginChallengeStore {
  create(challenge: PendingChallenge): Promise<void>;
  /**
   * Removes the challenge and returns it when it exists and has not expired; null
   * otherwise. One conditional delete: of two concurrent answers at most one gets it.
   */
  consume(stateHash: string, now: Date): Promise<Omit<PendingChallenge, "stateHash"> | null>;
  /** Housekeeping: drops expired challenges; returns how many. */
  prune(now: Date): Promise<number>;
}
