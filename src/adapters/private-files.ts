import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * DATA_DIR holds phone numbers, UPNs, the audit trail, the local encryption key and the SMS
 * outbox: only the bot's own user may read it. Folders are 0700 and files 0600, whatever
 * the umask; one left looser (an older version, a copy) is tightened, and reported so the
 * start-up log says what was exposed.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export interface Tightened {
  path: string;
  /** The mode it had, e.g. 0o644. */
  was: number;
}

export class DataDirError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DataDirError";
  }
}

function tighten(path: string, mode: number, isFolder: boolean): Tightened[] {
  const was = statSync(path).mode & 0o777;
  if ((was & ~mode) === 0) return [];
  try {
    chmodSync(path, mode);
  } catch (error) {
    const what = isFolder ? "folder" : "file";
    throw new DataDirError(
      `DATA_DIR: the ${what} ${path} is readable by other users (mode 0${was.toString(8)}) and could not be made private; give the bot a folder of its own`,
      { cause: error },
    );
  }
  return [{ path, was }];
}

/** `mkdir -p` with 0700 for every folder it creates; an existing folder is tightened to 0700. */
export function ensurePrivateDir(dir: string): Tightened[] {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  return tighten(dir, PRIVATE_DIR_MODE, true);
}

/**
 * The file exists (created empty if missing) with mode 0600. SQLite gives its -wal and -shm
 * files the mode of the database file, so creating that one 0600 first covers all three.
 */
export function ensurePrivateFile(path: string): Tightened[] {
  closeSync(openSync(path, "a", PRIVATE_FILE_MODE));
  return tighten(path, PRIVATE_FILE_MODE, false);
}

/**
 * At start-up: the folder (if it exists) and those of `names` that exist in it, tightened.
 * Only the bot's own files: a DATA_DIR that also holds other things keeps theirs. Links are
 * left alone (chmod would follow one out of the folder).
 */
export function tightenDataDir(dir: string, names: readonly string[]): Tightened[] {
  let folder;
  try {
    folder = statSync(dir);
  } catch {
    return []; // not created yet: it will be created private
  }
  if (!folder.isDirectory()) throw new DataDirError(`DATA_DIR: ${dir} is not a folder`);
  const tightened = tighten(dir, PRIVATE_DIR_MODE, true);
  for (const name of names) {
    const path = join(dir, name);
    let entry;
    try {
      entry = lstatSync(path);
    } catch {
      continue;
    }
    if (entry.isFile()) tightened.push(...tighten(path, PRIVATE_FILE_MODE, false));
  }
  return tightened;
}

/**
 * A local-mode secret kept in the data folder (the encryption key, the RADIUS secret): the
 * file's trimmed text, or `create()`'s written once (0600, in a 0700 folder). Two processes
 * starting at once (the bot and the validation service) keep the first one written.
 */
export function readOrCreatePrivateText(dir: string, name: string, create: () => string): string {
  const file = join(dir, name);
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  ensurePrivateDir(dir);
  const text = create();
  try {
    writeFileSync(file, `${text}\n`, { mode: PRIVATE_FILE_MODE, flag: "wx" });
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readFileSync(file, "utf8").trim();
  }
}
