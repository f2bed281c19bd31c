/**
 * For the data-layer contract suites (test/integration/data-layer-*.contract.test.ts): the
 * engine's server for the enclosing describe, a fresh migrated database per test, and the
 * enrollment and token records they store.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createSqlStores, type Database, migrateToLatest, openDatabase, type SqlStores } from "../../src/adapters/sql/index.js";
import type { EnrollmentState } from "../../src/ports/enrollment-state.js";
import type { NewToken } from "../../src/ports/stores.js";
import type { EngineFactory, Location } from "./sql-engines.js";

export const T0 = new Date("2025-03-01T08:00:00.000Z");
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

export function state(overrides: Partial<EnrollmentState> = {}): EnrollmentState {
  return {
    flowId: "flow-1",
    step: "welcome",
    locale: "sv",
    startedAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    callerUpn: "alexw@example.com",
    passwordFailures: 0,
    confirmFailures: 0,
    ...overrides,
  };
}

export function token(id: string, loginName = "alexw", lastTimeStep = 1000): NewToken {
  return {
    id,
    loginName,
    upn: `${loginName}@example.com`,
    deviceName: `Phone ${id}`,
    secretSealed: `sealed-${id}`,
    activatedAt: at(60),
    lastTimeStep,
  };
}

export interface FreshDatabase {
  location: Location;
  database: Database;
  stores: SqlStores;
}

export interface DataLayerSuite {
  /** Databases closed after each test; push what a test opens itself, take out what it closes. */
  open: Database[];
  /** Opens the database at `location`, migrated to the latest schema (closed after the test). */
  openMigrated(location: Location): Promise<Database>;
  /** A new, empty, migrated database of the engine and its stores. */
  fresh(): Promise<FreshDatabase>;
}

/** Call inside the engine's describe. */
export function dataLayerSuite(factory: EngineFactory): DataLayerSuite {
  const open: Database[] = [];

  async function openMigrated(location: Location): Promise<Database> {
    const d = await openDatabase(location.url, location.dataDir, factory.openOptions);
    open.push(d);
    await migrateToLatest(d.db);
    return d;
  }

  beforeAll(() => factory.setup());
  afterAll(() => factory.teardown());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });

  return {
    open,
    openMigrated,
    async fresh() {
      const location = await factory.newLocation();
      const database = await openMigrated(location);
      expect(database.engine).toBe(factory.engine);
      return { location, database, stores: createSqlStores(database) };
    },
  };
}
