/**
 * npm run audit -- verify                  check every chain; prints the first broken row, exit 1 when broken
 * npm run audit -- export [--since DATE]   JSON lines on stdout (for a SIEM)
 * npm run audit -- prune                   drop rows older than AUDIT_RETENTION_DAYS, leaving signed checkpoints
 */
import { SqlAuditTrail } from "../adapters/sql/audit-trail.js";
import { AUDIT_MAC_LABEL } from "../features/audit/audit-chain.js";
import { verifyAuditTrail } from "../features/audit/audit-verifier.js";
import { systemClock } from "../adapters/real-time.js";
import { option, runWithKeys } from "./open-with-keys.js";

const USAGE = "usage: npm run audit -- verify | export [--since 2025-01-31] | prune";

const [command, ...args] = process.argv.slice(2);
const sinceText = option(args, "since");
const since = sinceText === undefined ? undefined : new Date(sinceText);
if (!["verify", "export", "prune"].includes(command ?? "") || (since && Number.isNaN(since.getTime()))) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

await runWithKeys("audit", async ({ config, database, keys }) => {
  const trail = new SqlAuditTrail(database.db);
  const key = keys.ring.derivedMacKey(AUDIT_MAC_LABEL);
  if (command === "export") {
    for await (const row of trail.rowsSince(since)) {
      const { chain_id, detail, ...rest } = row;
      process.stdout.write(`${JSON.stringify({ ...rest, detail: detail === null ? null : JSON.parse(detail), chain: chain_id })}\n`);
    }
    return 0;
  }
  if (command === "prune") {
    if (!config.AUDIT_RETENTION_DAYS) {
      process.stderr.write("audit: AUDIT_RETENTION_DAYS is not set: the trail is kept forever, nothing pruned\n");
      return 2;
    }
    const now = systemClock.now();
    const deleted = await trail.prune(new Date(now.getTime() - config.AUDIT_RETENTION_DAYS * 86_400_000), key, now);
    process.stdout.write(`pruned ${deleted} rows older than ${config.AUDIT_RETENTION_DAYS} days\n`);
    return 0;
  }
  const result = await verifyAuditTrail(trail, key);
  process.stdout.write(
    `${result.rows} chained rows in ${result.chains} chains; ${result.unchainedBefore} older rows from before the chain\n`,
  );
  for (const head of result.heads) process.stdout.write(`head ${head.chainId} ${head.seq} ${head.mac}\n`);
  const first = result.breaks[0];
  if (!first) {
    process.stdout.write("audit trail verified: no row edited, deleted, inserted or moved\n");
    return 0;
  }
  for (const found of result.breaks) {
    process.stdout.write(
      `BROKEN at row ${found.rowId ?? "(checkpoint)"} (chain ${found.chainId || "none"}, place ${found.seq}): ${found.reason}\n`,
    );
  }
  return 1;
});
