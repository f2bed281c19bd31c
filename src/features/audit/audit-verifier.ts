import type { AuditTrailReader, StoredAuditRow, StoredCheckpoint } from "../../ports/audit-trail.js";
import { KeyedHmac } from "../shared/keyed-hmac.js";
import { auditRowMac, checkpointSignature } from "./audit-chain.js";

export type { StoredAuditRow, StoredCheckpoint } from "../../ports/audit-trail.js";

export interface AuditBreak {
  /** The row that does not verify (null: the chain's checkpoint itself). */
  rowId: number | null;
  chainId: string;
  seq: number;
  reason: string;
}

export interface VerifyResult {
  rows: number;
  chains: number;
  /** Rows written before the chain existed (0011_audit_chain): not protected. */
  unchainedBefore: number;
  /** Chain heads (id, last seq, last hash): keep them outside the database to detect later truncation. */
  heads: { chainId: string; seq: number; mac: string }[];
  breaks: AuditBreak[];
}

/**
 * Checks every chain on its own: contiguous sequence numbers from 1 (or from its signed
 * checkpoint), each row's keyed hash over its content and the previous hash. Rows arrive
 * ordered by chain then seq. Stops collecting after `maxBreaks`.
 */
export class AuditVerifier {
  private readonly result: VerifyResult = { rows: 0, chains: 0, unchainedBefore: 0, heads: [], breaks: [] };
  private chain: { id: string; seq: number; mac: string; broken: boolean } | null = null;
  private readonly rowKey: KeyedHmac;

  constructor(
    key: Buffer,
    private readonly checkpoints: ReadonlyMap<string, StoredCheckpoint>,
    private readonly maxBreaks = 20,
  ) {
    this.rowKey = new KeyedHmac("sha256", key);
    for (const cp of checkpoints.values()) {
      if (checkpointSignature(key, cp.chainId, cp.seq, cp.mac, cp.prunedAt) !== cp.signature) {
        this.fail({
          rowId: null,
          chainId: cp.chainId,
          seq: cp.seq,
          reason: "the retention checkpoint's signature does not match (edited)",
        });
      }
    }
  }

  add(row: StoredAuditRow): void {
    this.result.rows++;
    if (this.chain?.id !== row.chainId) this.startChain(row.chainId);
    const chain = this.chain!;
    if (chain.broken) return;
    if (row.seq !== chain.seq + 1) {
      const reason =
        row.seq <= chain.seq
          ? "a row repeats a place in its chain (inserted)"
          : `rows ${chain.seq + 1}–${row.seq - 1} of the chain are missing (deleted)`;
      this.breakChain(chain, row, reason);
      return;
    }
    if (auditRowMac(this.rowKey, row.chainId, row.seq, chain.mac, row) !== row.mac) {
      this.breakChain(chain, row, "its keyed hash does not match its content or its place (edited, moved or forged)");
      return;
    }
    chain.seq = row.seq;
    chain.mac = row.mac;
  }

  /** Rows without a chain: those older than the first chained row were written before chaining; any later one was inserted. */
  addUnchained(rowId: number, firstChainedId: number | null): void {
    if (firstChainedId !== null && rowId > firstChainedId) {
      this.fail({ rowId, chainId: "", seq: 0, reason: "a row without a chain among chained rows (inserted)" });
    } else this.result.unchainedBefore++;
  }

  finish(): VerifyResult {
    this.closeChain();
    // A chain whose every row was pruned still has its checkpoint: nothing more to check.
    return this.result;
  }

  private startChain(chainId: string): void {
    this.closeChain();
    this.result.chains++;
    const checkpoint = this.checkpoints.get(chainId);
    this.chain = { id: chainId, seq: checkpoint?.seq ?? 0, mac: checkpoint?.mac ?? "", broken: false };
  }

  private closeChain(): void {
    if (this.chain && !this.chain.broken) this.result.heads.push({ chainId: this.chain.id, seq: this.chain.seq, mac: this.chain.mac });
  }

  private breakChain(chain: NonNullable<AuditVerifier["chain"]>, row: StoredAuditRow, reason: string): void {
    chain.broken = true;
    this.fail({ rowId: row.id, chainId: row.chainId, seq: row.seq, reason });
  }

  private fail(found: AuditBreak): void {
    if (this.result.breaks.length < this.maxBreaks) this.result.breaks.push(found);
  }
}

/** Verifies the whole trail (from each chain's checkpoint); breaks sorted by row, the first one first. */
export async function verifyAuditTrail(trail: AuditTrailReader, key: Buffer): Promise<VerifyResult> {
  const verifier = new AuditVerifier(key, await trail.checkpoints());
  const { ids, firstChainedId } = await trail.unchained();
  for (const id of ids) verifier.addUnchained(id, firstChainedId);
  for await (const row of trail.chainedRows()) verifier.add(row);
  const result = verifier.finish();
  result.breaks.sort((a, b) => (a.rowId ?? 0) - (b.rowId ?? 0));
  return result;
}
