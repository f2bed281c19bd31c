/** An audit row's content as stored (times and detail as their database text). */
export interface AuditRowContent {
  at: string;
  subject: string;
  actor: string;
  action: string;
  outcome: string;
  detail: string | null;
}

/** A chained row as read back for verification. */
export interface StoredAuditRow extends AuditRowContent {
  id: number;
  chainId: string;
  seq: number;
  mac: string;
}

/** A chain's signed checkpoint, left where retention pruned its older rows. */
export interface StoredCheckpoint {
  chainId: string;
  seq: number;
  mac: string;
  prunedAt: string;
  signature: string;
}

/** The whole audit trail, read for verification (src/adapters/sql/audit-trail.ts). */
export interface AuditTrailReader {
  /** Chained rows ordered by chain id, then sequence number. */
  chainedRows(): AsyncIterable<StoredAuditRow>;
  unchained(): Promise<{ ids: number[]; firstChainedId: number | null }>;
  checkpoints(): Promise<Map<string, StoredCheckpoint>>;
}
