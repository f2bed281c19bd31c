import { hkdfSync, randomBytes } from "node:crypto";
import type { Clock } from "../../ports/clock.js";
import type { DataKeyPurpose, DataKeyRecord, DataKeyStore, KeyWrapper } from "../../ports/key-wrapping.js";
import { KeyUnavailableError, UnknownDataKeyError } from "./key-errors.js";
import { LEGACY_KEY_ID, sealedKeyId } from "./sealed-format.js";

/** The MAC root key has one fixed id: two instances starting at once keep the first one's. */
export const MAC_ROOT_ID = "mac-root";
/** How often a running process checks whether a rotation made a newer data key current. */
export const CURRENT_KEY_RECHECK_MS = 30_000;

export interface KeyRingDeps {
  store: DataKeyStore;
  /** The first wraps new keys; every one may unwrap what it owns (e.g. Key Vault, plus ENCRYPTION_KEY while moving to it). */
  wrappers: readonly KeyWrapper[];
  clock: Clock;
}

/**
 * The unwrapped data keys, in memory only. The newest data key seals; any key a sealed value
 * names is looked up by id on a miss (a rotation elsewhere may have made it after this
 * process started). The MAC root key derives the keyed hashes (codes, audit chain).
 */
export class KeyRing {
  private readonly keys = new Map<string, Buffer>();
  private current!: { id: string; createdAt: Date };
  private checkedAt = 0;
  private macRoot!: Buffer;

  private constructor(private readonly deps: KeyRingDeps) {
    if (deps.wrappers.length === 0) throw new KeyUnavailableError("No key encryption key is configured.");
  }

  /** Unwraps the current data key and the MAC root key (making them on first start): fails when the KEK is unreachable. */
  static async open(deps: KeyRingDeps): Promise<KeyRing> {
    const ring = new KeyRing(deps);
    await ring.refreshCurrent(true);
    ring.macRoot = await ring.ensureMacRoot();
    return ring;
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  /** The current data key (for sealing). */
  sealingKey(): { id: string; key: Buffer } {
    return { id: this.current.id, key: this.keys.get(this.current.id)! };
  }

  /** An unwrapped data key already in memory. */
  keyFor(id: string): Buffer | undefined {
    return this.keys.get(id);
  }

  /** A key derived from the MAC root for one purpose (HKDF-SHA-256, its own label). */
  derivedMacKey(label: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.macRoot, Buffer.alloc(0), label, 32));
  }

  /** Makes sure the data key `sealed` names is in memory (cheap when it is: no I/O). */
  async ensureKeyFor(sealed: string): Promise<void> {
    const id = sealedKeyId(sealed);
    if (id === null || id === LEGACY_KEY_ID || this.keys.has(id)) return;
    const record = await this.deps.store.get(id);
    if (record?.purpose !== "data") throw new UnknownDataKeyError(`The data key ${id} is not in the database.`);
    this.keys.set(id, await this.unwrap(record));
  }

  /** Switches to the newest data key when a rotation made one; at most every CURRENT_KEY_RECHECK_MS unless forced. */
  async refreshCurrent(force = false): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (!force && now - this.checkedAt < CURRENT_KEY_RECHECK_MS) return;
    const newest = (await this.deps.store.newest("data")) ?? (await this.createDataKey());
    if (!this.keys.has(newest.id)) this.keys.set(newest.id, await this.unwrap(newest));
    this.current = { id: newest.id, createdAt: newest.createdAt };
    this.checkedAt = now;
  }

  /** A new data key, wrapped by the current KEK and stored: the newest, so it seals from now on. */
  async createDataKey(): Promise<DataKeyRecord> {
    const key = randomBytes(32);
    const record = await this.newRecord(randomBytes(9).toString("base64url"), "data", key);
    await this.deps.store.insert(record);
    this.keys.set(record.id, key);
    return record;
  }

  /**
   * Readiness: the key encryption key still unwraps the current data key (for Key Vault, one
   * request). Remembered for CURRENT_KEY_RECHECK_MS so a probe every few seconds costs little.
   */
  async checkKeyEncryptionKey(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (this.lastCheck && now - this.lastCheck.at < CURRENT_KEY_RECHECK_MS) {
      if (this.lastCheck.error) throw this.lastCheck.error;
      return;
    }
    try {
      const record = await this.deps.store.get(this.current.id);
      if (!record) throw new UnknownDataKeyError(`The data key ${this.current.id} is no longer in the database.`);
      await this.unwrap(record);
      this.lastCheck = { at: now };
    } catch (error) {
      this.lastCheck = { at: now, error };
      throw error;
    }
  }

  private lastCheck?: { at: number; error?: unknown };

  private async ensureMacRoot(): Promise<Buffer> {
    const stored = await this.deps.store.get(MAC_ROOT_ID);
    if (stored) return this.unwrap(stored);
    const key = randomBytes(32);
    if (await this.deps.store.insert(await this.newRecord(MAC_ROOT_ID, "mac", key))) return key;
    const winner = await this.deps.store.get(MAC_ROOT_ID);
    if (!winner) throw new UnknownDataKeyError("The MAC root key vanished while it was being made.");
    return this.unwrap(winner);
  }

  private async newRecord(id: string, purpose: DataKeyPurpose, key: Buffer): Promise<DataKeyRecord> {
    const wrapped = await this.deps.wrappers[0]!.wrap(key);
    return { id, purpose, ...wrapped, createdAt: this.deps.clock.now() };
  }

  private async unwrap(record: DataKeyRecord): Promise<Buffer> {
    const wrapper = this.deps.wrappers.find((w) => w.owns(record.kekId));
    if (!wrapper) throw new KeyUnavailableError(`The data key ${record.id} was wrapped by a key encryption key that is not configured.`);
    const key = await wrapper.unwrap(record);
    if (key.length !== 32) throw new KeyUnavailableError(`The data key ${record.id} does not unwrap to 32 bytes.`);
    return key;
  }
}
