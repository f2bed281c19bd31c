import { freePort } from "../../scripts/lib/local-stack.js";
import { execFile, execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { requireBinaryOrSkip } from "./server-binary.js";

const run = promisify(execFile);

export const POSTGRES_BIN_DIR = "/usr/lib/postgresql/15/bin";

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:PORT/DATABASE */
  url: string;
  /** Creates another empty database on the same server; returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Finds initdb/pg_ctl (PostgreSQL 15 first, then PATH). Locally a missing server skips
 * the suite loudly (returns null); under CI=true it throws.
 */
export function findPostgresBinDir(): string | null {
  const initdb = requireBinaryOrSkip("initdb", [POSTGRES_BIN_DIR]);
  return initdb ? dirname(realPathOr(initdb)) : null;
}

function realPathOr(path: string): string {
  try {
    // /usr/local/bin/initdb may be a symlink into the versioned bin dir, next to pg_ctl.
    return realpathSync(path);
  } catch {
    return path;
  }
}

async function asPostgres(binary: string, args: string[]): Promise<void> {
  try {
    await run("runuser", ["-u", "postgres", "--", binary, ...args], { timeout: 60_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${binary} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/**
 * Starts a throwaway PostgreSQL in a temp folder (owned by the `postgres` OS user),
 * listening only on 127.0.0.1 on a free port, trust auth, with one empty database.
 * Must run as root (runuser). Returns null when the binaries are missing (skip).
 */
export async function startPostgres(database = "app"): Promise<ThrowawayPostgres | null> {
  const binDir = findPostgresBinDir();
  if (!binDir) return null;
  const initdb = join(binDir, "initdb");
  const pgCtl = join(binDir, "pg_ctl");

  const root = mkdtempSync(join(tmpdir(), "pg-test-"));
  const dataDir = join(root, "data");
  const logFile = join(root, "server.log");
  const { uid, gid } = await postgresIds();
  chownSync(root, uid, gid);

  let started = false;
  // If the test process ends without stop() (crash, killed worker), do not leave a server behind.
  const stopOnExit = (): void => {
    if (started) {
      try {
        execFileSync("runuser", ["-u", "postgres", "--", pgCtl, "stop", "-D", dataDir, "-m", "immediate", "-w"], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", stopOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener("exit", stopOnExit);
    if (started) {
      started = false;
      await asPostgres(pgCtl, ["stop", "-D", dataDir, "-m", "immediate", "-w"]).catch(() => undefined);
    }
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await asPostgres(initdb, [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "--auth-local=trust",
      "--auth-host=trust",
      "--encoding=UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3 && !started; attempt++) {
      const port = await freePort();
      try {
        await asPostgres(pgCtl, [
          "start",
          "-D",
          dataDir,
          "-l",
          logFile,
          "-w",
          "-t",
          "30",
          "-o",
          `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
        ]);
        started = true;
        const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
        const createDatabase = async (name: string): Promise<string> => {
          if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
          const client = new pg.Client({ connectionString: adminUrl });
          await client.connect();
          try {
            await client.query(`CREATE DATABASE ${name}`);
          } finally {
            await client.end();
          }
          return `postgres://postgres@127.0.0.1:${port}/${name}`;
        };
        const url = await createDatabase(database);
        return { url, createDatabase, stop };
      } catch (error) {
        lastError = error; // port taken between probe and start: try another
      }
    }
    throw lastError;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
