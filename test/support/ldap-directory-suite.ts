/**
 * For suites of LdapDirectory against a real OpenLDAP: a throwaway fixture server for the
 * enclosing describe, and `make()` for adapters on it that record their log lines and are
 * closed after each test.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { LdapDirectory, type LdapDirectoryOptions, type LdapLogger } from "../../src/adapters/ldap/ldap-directory.js";
import { ldapOptions, NOW, startFixtureSlapd } from "./ldap-fixture.js";
import type { Slapd } from "./slapd.js";

export interface LogLine {
  level: string;
  obj: object;
  msg?: string;
}

export type RecordingLogger = LdapLogger & { lines: LogLine[] };

export function recordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg ? { msg } : {}) });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

export interface LdapDirectorySuite {
  /** The server (set once beforeAll has run). */
  readonly slapd: Slapd;
  /** The logger of the adapter made last. */
  readonly logger: RecordingLogger;
  /** An adapter on the server (fixture options with `overrides`), its clock at NOW. */
  make(overrides?: Partial<LdapDirectoryOptions>): LdapDirectory;
}

/** Call inside the describe (skipped with it when slapd is missing). */
export function ldapDirectorySuite(slapdPath: string, options: { tls?: boolean } = {}): LdapDirectorySuite {
  let slapd: Slapd | undefined;
  let logger: RecordingLogger | undefined;
  const open: LdapDirectory[] = [];
  const started = (): Slapd => {
    if (!slapd) throw new Error("slapd has not started");
    return slapd;
  };

  beforeAll(async () => {
    slapd = await startFixtureSlapd(slapdPath, options);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  return {
    get slapd() {
      return started();
    },
    get logger() {
      if (!logger) throw new Error("no directory made yet");
      return logger;
    },
    make(overrides = {}) {
      logger = recordingLogger();
      const directory = new LdapDirectory({ ...ldapOptions(started().url), ...overrides }, { logger, clock: { now: () => NOW } });
      open.push(directory);
      return directory;
    },
  };
}
