/**
 * npm run report -- [--csv]
 *
 * The coverage report (src/features/report/) with the bot's configuration (same env vars as
 * `npm start`: DATABASE_URL, DATA_DIR, LDAP_*): JSON on stdout by default, `--csv` for one
 * long `section,name,measure,value` table. Exit 2 on a bad argument or configuration, 1 when
 * the directory or the database fails.
 */
import { databaseFromConfig } from "../adapters/database-from-config.js";
import { directoryFromConfig, eligibleGroupFromConfig } from "../adapters/directory-from-config.js";
import { createLogger, errorFields } from "../adapters/logger.js";
import { migrateToLatest } from "../adapters/sql/index.js";
import { SqlCoverageSource } from "../adapters/sql/report-queries.js";
import { loadConfig, type Config } from "../config/load-config.js";
import { coverageCsv } from "../features/report/coverage-formats.js";
import { CoverageReports } from "../features/report/coverage-reports.js";
import { systemClock } from "../adapters/real-time.js";
import { exitWith } from "./exit-with.js";

const USAGE = "usage: npm run report -- [--json | --csv]";

async function main(): Promise<number> {
  let config: Config;
  let csv = false;
  try {
    for (const arg of process.argv.slice(2)) {
      if (arg === "--csv") csv = true;
      else if (arg !== "--json") throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const logger = createLogger(config.LOG_LEVEL, process.stderr).child({ component: "report" });
  const database = await databaseFromConfig(config);
  const directory = directoryFromConfig(config, logger);
  try {
    await migrateToLatest(database.db);
    const reports = new CoverageReports({
      source: new SqlCoverageSource(database.db),
      directory,
      eligibleGroupId: eligibleGroupFromConfig(config),
      helpdeskGroupId: config.HELPDESK_GROUP_ID ?? "helpdesk",
      clock: systemClock,
    });
    const report = await reports.report();
    process.stdout.write(csv ? coverageCsv(report) : `${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (error) {
    logger.error({ err: errorFields(error) }, "coverage report failed");
    return 1;
  } finally {
    await Promise.allSettled([directory.close(), database.close()]);
  }
}

exitWith(main, "The report");
