import type { EnrollmentState } from "../../ports/enrollment-state.js";
import type { EnrollmentStore, NewToken, TokenRecord, TokenStore, TokenTry, Versioned } from "../../ports/stores.js";
import type { KeyRing } from "./key-ring.js";

/**
 * The SecretBox port is synchronous, but a data key made after this process started must be
 * fetched (and unwrapped) first. Sealed values reach the domain only through these two
 * stores, so they make sure the key is in memory before handing a record over. A hit costs
 * a map look-up, no I/O (the RADIUS hot path).
 */
export class KeyLoadingTokenStore implements TokenStore {
  constructor(
    private readonly inner: TokenStore,
    private readonly ring: KeyRing,
  ) {}

  async findActive(loginName: string): Promise<TokenRecord | null> {
    const token = await this.inner.findActive(loginName);
    if (token) await this.ring.ensureKeyFor(token.secretSealed);
    return token;
  }

  revoke(loginName: string, at: Date): Promise<boolean> {
    return this.inner.revoke(loginName, at);
  }

  advanceTimeStep(tokenId: string, timeStep: number, usedAt?: Date): Promise<boolean> {
    return this.inner.advanceTimeStep(tokenId, timeStep, usedAt);
  }

  async countTry(loginName: string, now: Date): Promise<TokenTry | null> {
    const token = await this.inner.countTry(loginName, now);
    if (token) await this.ring.ensureKeyFor(token.secretSealed);
    return token;
  }

  lock(tokenId: string, until: Date): Promise<void> {
    return this.inner.lock(tokenId, until);
  }

  clearLock(tokenId: string): Promise<void> {
    return this.inner.clearLock(tokenId);
  }
}

/** Also where the bot notices a rotation: before a step that may seal, the newest data key becomes current. */
export class KeyLoadingEnrollmentStore implements EnrollmentStore {
  constructor(
    private readonly inner: EnrollmentStore,
    private readonly ring: KeyRing,
  ) {}

  async load(userKey: string): Promise<Versioned<EnrollmentState> | null> {
    const loaded = await this.inner.load(userKey);
    await this.ring.refreshCurrent();
    if (loaded?.value.pendingSecret) await this.ring.ensureKeyFor(loaded.value.pendingSecret);
    return loaded;
  }

  save(userKey: string, state: EnrollmentState, expectedVersion: number | null, activate?: NewToken): Promise<number> {
    return this.inner.save(userKey, state, expectedVersion, activate);
  }
}
