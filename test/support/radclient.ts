/**
 * FreeRADIUS radclient (freeradius-utils) as the NAS in the RADIUS listener's tests: a
 * real, independent client that checks our Response Authenticator and Message-Authenticator.
 */
import { spawn } from "node:child_process";
import { requireBinaryOrSkip } from "./server-binary.js";

export interface RadclientResult {
  /** "Access-Accept", "Access-Reject", "Access-Challenge", or undefined for no (acceptable) answer. */
  received?: string;
  /** The received attributes as radclient prints them: name → value text (quotes removed). */
  attributes: Record<string, string>;
  output: string;
}

/**
 * Sends one Access-Request (`attributes` in radclient's input syntax, one per element) and
 * reads what came back. radclient exits non-zero on a reject or no answer, so the exit
 * status is not the verdict; `-t` is radclient's own wait for an answer.
 */
export function radclient(
  binary: string,
  port: number,
  secret: string,
  attributes: string[],
  timeoutSeconds = 2,
): Promise<RadclientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["-x", "-r", "1", "-t", String(timeoutSeconds), `127.0.0.1:${port}`, "auth", secret], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", () => resolve(parse(output)));
    child.stdin.end(`${attributes.join(", ")}\n`);
  });
}

function parse(output: string): RadclientResult {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => line.startsWith("Received "));
  if (start < 0) return { attributes: {}, output };
  const received = /^Received (Access-[A-Za-z]+) /.exec(lines[start]!)?.[1];
  const attributes: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+([A-Za-z-]+) = (.*)$/.exec(line);
    if (!match) break;
    attributes[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
  }
  return { received, attributes, output };
}

/** The radclient binary for a suite; a missing one skips locally and fails under CI. */
export const radclientBinary = (): string | null => requireBinaryOrSkip("radclient");

export interface RadiusAnswer {
  /** "Access-Accept", "Access-Reject", "Access-Challenge", or "none" (no reply: dropped). */
  code: string;
  attributes: Record<string, string>;
  output: string;
}

/**
 * One Access-Request from a name → value map (values in radclient's syntax, e.g. quoted()),
 * with a real Message-Authenticator unless told otherwise (the 0x00 placeholder makes
 * radclient compute it).
 */
export async function askRadius(
  port: number,
  secret: string,
  attributes: Record<string, string>,
  options: { messageAuthenticator?: boolean } = {},
): Promise<RadiusAnswer> {
  const binary = radclientBinary();
  if (!binary) throw new Error("radclient is not installed");
  const pairs = Object.entries(attributes).map(([name, value]) => `${name} = ${value}`);
  if (options.messageAuthenticator !== false) pairs.push("Message-Authenticator = 0x00");
  const result = await radclient(binary, port, secret, pairs, 3);
  // No reply: radclient's reason (a time-out, or "connection refused" when nothing listens) goes to the test's output,
  // only those lines: its debug output also shows the attributes sent, passwords and codes among them.
  const reason = result.output.split("\n").filter((line) => /error|refused|no reply|fail/i.test(line) && !/password/i.test(line));
  if (!result.received) process.stderr.write(`[radclient] no reply on port ${port}: ${reason.join(" | ").slice(0, 300)}\n`);
  return { code: result.received ?? "none", attributes: result.attributes, output: result.output };
}

/** A string attribute value in radclient's syntax. */
export const quoted = (text: string): string => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
