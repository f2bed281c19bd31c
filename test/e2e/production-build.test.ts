/**
 * The production path, exactly as the Dockerfile takes it, in a clean copy of the tracked
 * files: dependencies, `npm run build`, `npm prune --omit=dev`, then `node dist/src/main.js`
 * (GET /healthz 200), `node dist/src/radius/main.js` (one RADIUS answer to radclient) and
 * `node dist/src/campaign/run-campaign.js` (loads), each stopped with SIGTERM (exit 0).
 * node_modules is hard-linked from this checkout instead of `npm ci` (which compiles
 * better-sqlite3 for a minute); the prune then really removes the dev dependencies.
 */
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, freeUdpPort, repoRoot, startBot, startValidationService, type ChildHandle } from "../../scripts/lib/local-stack.js";
import { askRadius, quoted, radclientBinary } from "../support/radclient.js";

const run = promisify(execFile);
const available = radclientBinary() !== null;
let root: string;
const children: ChildHandle[] = [];

async function cleanCopy(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "otp-production-build-"));
  const { stdout } = await run("git", ["ls-files", "-z"], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  for (const file of stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(repoRoot, file))) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(dir, file));
  }
  try {
    await run("cp", ["-al", join(repoRoot, "node_modules"), join(dir, "node_modules")]);
  } catch {
    cpSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), { recursive: true, verbatimSymlinks: true });
  }
  // npm rewrites its hidden lockfile in place: a linked one would change this checkout's.
  const hidden = join(dir, "node_modules/.package-lock.json");
  rmSync(hidden, { force: true });
  if (existsSync(join(repoRoot, "node_modules/.package-lock.json")))
    copyFileSync(join(repoRoot, "node_modules/.package-lock.json"), hidden);
  return dir;
}

const npm = (args: string[]) =>
  run("npm", args, { cwd: root, timeout: 240_000, env: { ...process.env, npm_config_update_notifier: "false" } });

describe.skipIf(!available)("the production build (npm run build, npm prune --omit=dev, node dist/…)", () => {
  beforeAll(async () => {
    root = await cleanCopy();
    await npm(["run", "build"]);
    await npm(["prune", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop(1_000)));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("keeps the runtime dependencies and removes the build and test tools", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) expect(existsSync(join(root, "node_modules", name)), name).toBe(true);
    for (const name of ["typescript", "tsx", "vitest", "@microsoft/m365agentsplayground", "playwright-core", "radius"]) {
      expect(existsSync(join(root, "node_modules", name)), name).toBe(false);
    }
    expect(existsSync(join(root, "dist/src/main.js"))).toBe(true);
  });

  it("is what the Dockerfile does: the same steps, a non-root user, the data volume, a health check on /healthz", () => {
    const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    const runs = dockerfile.match(/^RUN .*$/gm)?.join("\n") ?? "";
    for (const step of ["npm ci", "npm run build", "npm prune --omit=dev"]) expect(runs).toContain(step);
    expect(dockerfile).toMatch(/^FROM node:20-[a-z]+-slim AS build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
  });

  it("serves /healthz and answers RADIUS from dist/ with only runtime dependencies, and stops cleanly on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(root, "data-"));
    const bot = await startBot({
      command: [process.execPath, "dist/src/main.js"],
      cwd: root,
      port: await freePort(),
      dataDir,
      timeoutMs: 60_000,
    });
    children.push(bot);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);

    const radiusPort = await freeUdpPort();
    const radius = await startValidationService({
      command: [process.execPath, "dist/src/radius/main.js"],
      cwd: root,
      radiusPort,
      dataDir,
      timeoutMs: 60_000,
    });
    children.push(radius);
    const secret = readFileSync(join(dataDir, "radius-secret"), "utf8").trim();
    const answer = await askRadius(radiusPort, secret, { "User-Name": quoted("alexw"), "User-Password": quoted("000000") });
    expect(answer.code).toBe("Access-Reject"); // alexw has no token in this fresh database

    for (const child of [bot, radius]) {
      child.child.kill("SIGTERM");
      expect(await child.exited).toBe(0);
    }
  }, 120_000);

  it("loads the campaign runner from dist/ (it prints its usage without a campaign file)", async () => {
    const failed = await run(process.execPath, ["dist/src/campaign/run-campaign.js"], { cwd: root, timeout: 60_000 }).then(
      () => null,
      (error: { stderr?: string }) => error,
    );
    expect(failed?.stderr ?? "").toMatch(/usage: npm run campaign/);
    expect(failed?.stderr ?? "").not.toMatch(/Cannot find (module|package)/);
  }, 60_000);
});
