import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Finds a server binary (slapd, initdb, chromium…) for a real-server suite.
 * Locally a missing binary skips the suite with a loud message; under CI (CI=true)
 * it is an error, so a green CI always means the real-server suites ran.
 */
export function findBinary(name: string, extraDirs: string[] = []): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...extraDirs, "/usr/sbin", "/usr/local/bin"];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

export function requireBinaryOrSkip(name: string, extraDirs: string[] = []): string | null {
  const found = findBinary(name, extraDirs);
  if (found) return found;
  const message = `${name} not found: this real-server suite is SKIPPED. Install it (see .ci/run) to run it.`;
  if (process.env.CI === "true") throw new Error(`${message} Under CI a skipped suite is a failure.`);
  console.warn(`\n\n*** ${message} ***\n\n`);
  return null;
}
