import type { AuditChainWriter } from "../../features/audit/audit-chain.js";
import type { Clock } from "../../ports/clock.js";
import type { AuditLog, ConversationRefStore, EnrollmentStore, RateCounter, TokenStore } from "../../ports/stores.js";
import { SqlAuditLog } from "./audit-log.js";
import { SqlConversationRefStore } from "./conversation-ref-store.js";
import type { Database } from "./database.js";
import { SqlEnrollmentStore } from "./enrollment-store.js";
import { SqlRateCounter } from "./rate-counter.js";
import { SqlTokenStore } from "./token-store.js";

export {
  type Database,
  type Engine,
  type OpenDatabaseOptions,
  openDatabase,
  isPostgresUrl,
  SQLITE_FILE_NAME,
  SQLITE_FILE_NAMES,
} from "./database.js";
export type { Schema } from "./schema.js";
export { migrateToLatest, buildMigrations } from "./migrations.js";
export { translateError } from "./sql-errors.js";
export { SqlAuditLog, SqlConversationRefStore, SqlEnrollmentStore, SqlRateCounter, SqlTokenStore };

export interface SqlStores {
  enrollments: EnrollmentStore;
  tokens: TokenStore;
  rateCounter: RateCounter;
  audit: AuditLog;
  conversationRefs: ConversationRefStore;
}

/** The five persistence ports over one open (and migrated) database; with `auditChain`, audit rows are hash-chained. */
export function createSqlStores(database: Database, clock?: Clock, auditChain?: AuditChainWriter): SqlStores {
  const { db } = database;
  return {
    enrollments: new SqlEnrollmentStore(db, clock),
    tokens: new SqlTokenStore(db, database.engine),
    rateCounter: new SqlRateCounter(db, database.engine),
    audit: new SqlAuditLog(db, auditChain, { batchRows: !database.groupCommit, engine: database.engine }),
    conversationRefs: new SqlConversationRefStore(db),
  };
}
