/**
 * The two database engines a contract suite runs against: SQLite in a temp folder per
 * test, and one throwaway PostgreSQL server with a new database per test. Locally a
 * missing PostgreSQL skips its suite loudly; under CI=true it fails (findPostgresBinDir).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenDatabaseOptions } from "../../src/adapters/sql/database.js";
import { findPostgresBinDir, startPostgres, type ThrowawayPostgres } from "./postgres.js";

/** Where a fresh, empty database lives: what openDatabase takes. */
export interface Location {
  url: string | undefined;
  dataDir: string;
}

export interface EngineFactory {
  name: string;
  engine: "sqlite" | "postgres";
  /** False when the engine's server is not installed (the suite is skipped). */
  enabled: boolean;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  newLocation(): Promise<Location>;
  /** How the suite opens the database (e.g. SQLite with group commit, as the validation service does). */
  openOptions?: OpenDatabaseOptions;
}

export function sqliteEngine(prefix: string, openOptions: OpenDatabaseOptions = {}): EngineFactory {
  const dirs: string[] = [];
  return {
    name: openOptions.groupCommit ? "SQLite with group commit" : "SQLite",
    openOptions,
    engine: "sqlite",
    enabled: true,
    setup: async () => undefined,
    teardown: async () => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
    newLocation: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), `sqlite-${prefix}-`));
      dirs.push(dataDir);
      return { url: undefined, dataDir };
    },
  };
}

/** `prefix` names the server's databases (`${prefix}_1`, …): lower-case letters, digits, _. */
export function postgresEngine(prefix: string): EngineFactory {
  let server: ThrowawayPostgres | null = null;
  let counter = 0;
  return {
    name: "PostgreSQL",
    engine: "postgres",
    enabled: findPostgresBinDir() !== null,
    setup: async () => {
      server = await startPostgres(prefix);
    },
    teardown: async () => {
      await server?.stop();
      server = null;
    },
    newLocation: async () => {
      if (!server) throw new Error("PostgreSQL did not start");
      const url = await server.createDatabase(`${prefix}_${++counter}`);
      return { url, dataDir: "/nonexistent-unused" };
    },
  };
}
