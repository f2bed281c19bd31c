/**
 * FreeRADIUS's own client (Debian freeradius-utils), a RADIUS client nobody here wrote:
 * sends one Access-Request and reports what came back.
 */
import { execFile } from "node:child_process";
import { requireBinaryOrSkip } from "./server-binary.js";

export const radclientBinary = (): string | null => requireBinaryOrSkip("radclient");

export interface RadiusAnswer {
  /** "Access-Accept", "Access-Reject", "Access-Challenge", or "none" (no reply: dropped). */
  code: string;
  attributes: Record<string, string>;
  output: string;
}

/** `attributes` as radclient's text form, e.g. { "User-Name": '"alexw"', "User-Password": '"123456"' }. */
export function radclient(port: number, secret: string, attributes: Record<string, string>, options: { messageAuthenticator?: boolean; host?: string } = {}): Promise<RadiusAnswer> {
  const pairs = Object.entries(attributes).map(([name, value]) => `${name} = ${value}`);
  // The 0x00 placeholder makes radclient compute a real Message-Authenticator.
  if (options.messageAuthenticator !== false) pairs.push("Message-Authenticator = 0x00");
  return new Promise((resolve) => {
    const child = execFile(
      "radclient",
      ["-x", "-r", "1", "-t", "3", `${options.host ?? "127.0.0.1"}:${port}`, "auth", secret],
      { timeout: 15_000 },
      (_error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        const received = /Received (Access-\w+) Id \d+[^\n]*\n((?:[ \t]+[^\n]*\n?)*)/.exec(output);
        const attributesOut: Record<string, string> = {};
        for (const line of received?.[2]?.split("\n") ?? []) {
          const match = /^\s+([\w-]+) = (.*)$/.exec(line);
          if (match) attributesOut[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
        }
        resolve({ code: received?.[1] ?? "none", attributes: attributesOut, output });
      },
    );
    child.stdin?.end(`${pairs.join(", ")}\n`);
  });
}

export const quoted = (text: string): string => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
