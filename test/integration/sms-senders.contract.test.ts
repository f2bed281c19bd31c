/**
 * The SmsSender contract (test/contracts/sms-sender.contract.ts) against the real senders:
 * the HTTP gateway posting to a gateway stand-in on loopback (bearer token checked), and
 * local mode's outbox file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { HttpSmsGateway } from "../../src/adapters/http-sms-gateway.js";
import { SmsOutbox } from "../../src/adapters/sms-outbox.js";
import { smsSenderContract } from "../contracts/sms-sender.contract.js";

const TOKEN = "gateway-token-for-tests";

/** An SMS gateway stand-in: POST JSON {to, from, text} with the bearer token; 503 when told to fail. */
let server: Server;
let url = "";
let received: { to: string; text: string }[] = [];
let failNext = false;
const dirs: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
      if (failNext) {
        failNext = false;
        return void res.writeHead(503).end(body); // echoes the message: the adapter must not repeat it
      }
      const { to, text } = JSON.parse(body) as { to: string; text: string };
      received.push({ to, text });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

smsSenderContract("HttpSmsGateway", async () => {
  received = [];
  failNext = false;
  return { sender: new HttpSmsGateway(url, TOKEN, "Regionen"), delivered: async () => received, breakNext: () => void (failNext = true) };
});

smsSenderContract("SmsOutbox (local mode)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sms-outbox-"));
  dirs.push(dir);
  const file = join(dir, "data", "sms-outbox.jsonl");
  const sender = new SmsOutbox(file, () => undefined);
  return {
    sender,
    delivered: async () =>
      readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { to: string; text: string })
        .map(({ to, text }) => ({ to, text })),
    // A folder where the file should be: the append fails.
    breakNext: () => mkdirSync(file, { recursive: true }),
  };
});
