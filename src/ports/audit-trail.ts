import type { StoredAuditRow, StoredCheckpoint } from "../features/audit/audit-verifier.js";

/** The whole audit trail, read for verification (src/adapters/sql/audit-trail.ts). */
export interface AuditTrailReader {
  /** Chained rows ordered by chain id, then sequence number. */
  chainedRows(): AsyncIterable<StoredAuditRow>;
  unchained(): Promise<{ ids: number[]; firstChainedId: number | null }>;
  checkpoints(): Promise<Map<string, StoredCheckpoint>>;
}
