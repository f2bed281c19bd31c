/** Runs one of the repository's command-line entry points (TypeScript, through tsx) as its own process. */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "../..");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `script` relative to the repository (e.g. "src/cli/report.ts"); `env` on top of PATH and HOME only. */
export function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repo, script), ...args], {
    cwd: repo,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.once("exit", (code) => done({ code, stdout, stderr })));
}
