import type { Clock } from "../../ports/clock.js";
import type { DataKeyStore } from "../../ports/key-wrapping.js";
import type { SealedKind, SealedValueStore } from "../../ports/sealed-values.js";
import type { SecretBox } from "../../ports/secret-box.js";
import type { KeyRing } from "./key-ring.js";
import { LEGACY_KEY_ID, sealedKeyId } from "./sealed-format.js";

export interface KeyRotationDeps {
  ring: KeyRing;
  box: SecretBox;
  keys: DataKeyStore;
  sealed: SealedValueStore;
  clock: Clock;
}

export interface RotationOptions {
  /** Rows per batch (each row is its own compare-and-set write). */
  batchSize: number;
  /**
   * A superseded data key is deleted only when no row uses it AND it stopped being the
   * newest at least this long ago: a running instance notices a new key within
   * CURRENT_KEY_RECHECK_MS and may seal with the old one until then.
   */
  retireAfterMs: number;
  /** Called between batches (progress output; tests pause here). */
  onBatch?: (progress: { kind: SealedKind; resealed: number }) => void | Promise<void>;
}

export interface KeyUsage {
  id: string;
  createdAt?: Date;
  current: boolean;
  tokens: number;
  enrollments: number;
}

const KINDS: readonly SealedKind[] = ["token", "enrollment"];
const MAX_PASSES = 5;

/**
 * `keys rotate`: a new data key, then every sealed value re-sealed with the newest key in
 * small batches, each row a compare-and-set (a login or enrollment writing meanwhile wins;
 * the row is read again). Passes repeat until one finds nothing to do, so two rotations at
 * once converge on the newest key, and a rotation killed midway is finished by the next run.
 */
export class KeyRotation {
  constructor(private readonly deps: KeyRotationDeps) {}

  async rotate(options: RotationOptions): Promise<{ newKeyId: string; resealed: number; deleted: string[] }> {
    const created = await this.deps.ring.createDataKey();
    const { resealed } = await this.reseal(options);
    return { newKeyId: created.id, resealed, deleted: await this.prune(options.retireAfterMs) };
  }

  /** Re-seals everything onto the newest data key (no new key): finishes an interrupted rotation. */
  async reseal(options: RotationOptions): Promise<{ resealed: number }> {
    let total = 0;
    // Bounded: an instance that has not yet noticed the new key may still be sealing with the
    // old one (for up to CURRENT_KEY_RECHECK_MS); what is left shows in `keys status`.
    for (let passes = 0; passes < MAX_PASSES; passes++) {
      let pass = 0;
      for (const kind of KINDS) pass += await this.resealKind(kind, options);
      total += pass;
      if (pass === 0) break;
    }
    return { resealed: total };
  }

  private async resealKind(kind: SealedKind, options: RotationOptions): Promise<number> {
    let after: string | null = null;
    let resealed = 0;
    for (;;) {
      // Another rotation may have made a newer key meanwhile: every batch seals with the newest.
      await this.deps.ring.refreshCurrent(true);
      const current = this.deps.ring.currentKeyId;
      const rows = await this.deps.sealed.page(kind, after, options.batchSize);
      if (rows.length === 0) return resealed;
      for (const row of rows) {
        if (sealedKeyId(row.sealed) === current) continue;
        await this.deps.ring.ensureKeyFor(row.sealed);
        const plaintext = this.deps.box.open(row.sealed);
        // Lost to a concurrent write: the next pass reads the row again.
        if (await this.deps.sealed.replace(row, this.deps.box.seal(plaintext))) resealed++;
      }
      after = rows[rows.length - 1]!.ref;
      await options.onBatch?.({ kind, resealed });
    }
  }

  /** Which data keys exist and how many rows each seals (v1: the format before data keys). */
  async status(): Promise<KeyUsage[]> {
    await this.deps.ring.refreshCurrent(true);
    const usage = new Map<string, KeyUsage>();
    const entry = (id: string) => {
      let found = usage.get(id);
      if (!found) usage.set(id, (found = { id, current: id === this.deps.ring.currentKeyId, tokens: 0, enrollments: 0 }));
      return found;
    };
    for (const key of await this.deps.keys.list()) if (key.purpose === "data") entry(key.id).createdAt = key.createdAt;
    for (const kind of KINDS) {
      let after: string | null = null;
      for (;;) {
        const rows = await this.deps.sealed.page(kind, after, 500);
        if (rows.length === 0) break;
        for (const row of rows) entry(sealedKeyId(row.sealed) ?? "unreadable")[kind === "token" ? "tokens" : "enrollments"]++;
        after = rows[rows.length - 1]!.ref;
      }
    }
    return [...usage.values()];
  }

  /** Deletes superseded data keys no row uses (see RotationOptions.retireAfterMs); returns their ids. */
  async prune(retireAfterMs: number): Promise<string[]> {
    const usage = await this.status();
    const keys = (await this.deps.keys.list()).filter((k) => k.purpose === "data");
    const now = this.deps.clock.now().getTime();
    const deleted: string[] = [];
    for (const [index, key] of keys.entries()) {
      const successor = keys[index + 1];
      const use = usage.find((u) => u.id === key.id);
      if (!successor || key.id === this.deps.ring.currentKeyId || key.id === LEGACY_KEY_ID) continue;
      if ((use?.tokens ?? 0) + (use?.enrollments ?? 0) > 0) continue;
      if (now - successor.createdAt.getTime() < retireAfterMs) continue;
      await this.deps.keys.delete(key.id);
      deleted.push(key.id);
    }
    return deleted;
  }
}
