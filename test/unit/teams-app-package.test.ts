import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const APP_ID = "11111111-2222-3333-4444-555555555555";

describe("the Teams app package", () => {
  const out = mkdtempSync(join(tmpdir(), "teams-app-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("packs manifest and icons with the bot's app id", async () => {
    await run(tsx, ["scripts/pack-teams-app.ts"], {
      cwd: root,
      env: { ...process.env, MICROSOFT_APP_ID: APP_ID, APP_VERSION: "1.2.3", TEAMS_APP_OUT: join(out, "app.zip") },
    });
    const files = unzipSync(readFileSync(join(out, "app.zip")));
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"]));
    expect(manifest).toMatchObject({ id: APP_ID, version: "1.2.3", bots: [{ botId: APP_ID, scopes: ["personal", "team"] }] });
    expect(JSON.stringify(manifest)).not.toContain("${");
  });

  it("refuses to pack without a GUID app id", async () => {
    await expect(
      run(tsx, ["scripts/pack-teams-app.ts"], { cwd: root, env: { ...process.env, MICROSOFT_APP_ID: "not-a-guid" } }),
    ).rejects.toMatchObject({ code: 2 });
  });
});
