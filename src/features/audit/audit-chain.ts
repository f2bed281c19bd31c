import { createHmac, randomUUID } from "node:crypto";
import { KeyedHmac } from "../shared/keyed-hmac.js";

import type { AuditRowContent } from "../../ports/audit-trail.js";

export type { AuditRowContent } from "../../ports/audit-trail.js";

/** A row's place in its writer's chain. */
export interface ChainLink {
  chainId: string;
  seq: number;
  mac: string;
}

/** The HMAC-SHA-256 label under the MAC root key: the audit chain's key is its own. */
export const AUDIT_MAC_LABEL = "audit-chain";

/**
 * The keyed hash of one row: over its chain, its place, the previous row's hash and its
 * content. Without the key (which the database does not hold) no one can make a row that
 * verifies, even knowing every other row.
 */
export function auditRowMac(key: KeyedHmac, chainId: string, seq: number, previousMac: string, row: AuditRowContent): string {
  const canonical = JSON.stringify([chainId, seq, previousMac, row.at, row.subject, row.actor, row.action, row.outcome, row.detail]);
  return key.digest(Buffer.from(canonical, "utf8")).toString("base64url");
}

/** A retention checkpoint's signature: where a chain resumes after its start was pruned. */
export function checkpointSignature(key: Buffer, chainId: string, seq: number, mac: string, prunedAt: string): string {
  return createHmac("sha256", key)
    .update(JSON.stringify(["checkpoint", chainId, seq, mac, prunedAt]))
    .digest("base64url");
}

/**
 * One writer's chain (per process start): the sequence number and the previous hash live
 * in memory, so an append stays one INSERT, with no read and no lock, however many
 * instances write at once. Each chain verifies on its own.
 */
export class AuditChainWriter {
  private chainId = randomUUID();
  private seq = 0;
  private previousMac = "";
  private readonly key: KeyedHmac;

  constructor(key: Buffer) {
    this.key = new KeyedHmac("sha256", key);
  }

  /** The next link (synchronous: concurrent appends in this process get distinct places). */
  next(row: AuditRowContent): ChainLink {
    const seq = ++this.seq;
    const mac = auditRowMac(this.key, this.chainId, seq, this.previousMac, row);
    this.previousMac = mac;
    return { chainId: this.chainId, seq, mac };
  }

  /**
   * After an insert failed for good the chain cannot know whether the row is stored: a new
   * chain starts, and `audit verify` reports the old chain's missing place (an event lost).
   */
  restart(): void {
    this.chainId = randomUUID();
    this.seq = 0;
    this.previousMac = "";
  }
}
