import { chmodSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensurePrivateDir, ensurePrivateFile, tightenDataDir } from "../../src/adapters/private-files.js";

const modeOf = (path: string) => statSync(path).mode & 0o777;
const roots: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "private-files-"));
  roots.push(dir);
  return dir;
};
afterEach(() => roots.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("private files in DATA_DIR", () => {
  it("creates folders 0700 and files 0600, and reports nothing when they already are", () => {
    const dir = join(scratch(), "a", "b");
    expect(ensurePrivateDir(dir)).toEqual([]);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, ".."))).toBe(0o700);
    const file = join(dir, "enrollment.sqlite");
    expect(ensurePrivateFile(file)).toEqual([]);
    expect(modeOf(file)).toBe(0o600);
  });

  it("tightens what is looser and says what it was", () => {
    const dir = scratch();
    chmodSync(dir, 0o755);
    const file = join(dir, "encryption.key");
    writeFileSync(file, "k", { mode: 0o644 });
    expect(tightenDataDir(dir, ["encryption.key", "missing.file"])).toEqual([
      { path: dir, was: 0o755 },
      { path: file, was: 0o644 },
    ]);
    expect([modeOf(dir), modeOf(file)]).toEqual([0o700, 0o600]);
  });

  it("leaves other files and links alone (chmod would follow a link out of the folder)", () => {
    const dir = scratch();
    const outside = join(scratch(), "elsewhere.txt");
    writeFileSync(outside, "x", { mode: 0o644 });
    symlinkSync(outside, join(dir, "enrollment.sqlite"));
    writeFileSync(join(dir, "notes.txt"), "x", { mode: 0o644 });
    chmodSync(dir, 0o700);
    expect(tightenDataDir(dir, ["enrollment.sqlite"])).toEqual([]);
    expect([modeOf(outside), modeOf(join(dir, "notes.txt"))]).toEqual([0o644, 0o644]);
  });

  it("does nothing for a folder that does not exist yet", () => {
    expect(tightenDataDir(join(scratch(), "not-yet"), ["enrollment.sqlite"])).toEqual([]);
  });
});
