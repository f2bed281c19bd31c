/**
 * NetScaler lists two RADIUS servers for HA: two validation service processes on one
 * PostgreSQL behave as one. The same code sent to both at once is accepted exactly once; the
 * failure counter and a challenge started on one are honoured by the other.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSync } from "otplib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { OutboxWatch } from "../support/cards.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { enroll } from "../support/enrollment-steps.js";
import { findPostgresBinDir, startPostgres, type ThrowawayPostgres } from "../support/postgres.js";
import { askRadius, quoted, radclientBinary } from "../support/radclient.js";
import { startRadius, type RadiusProcess } from "../support/radius-process.js";
import { people, TeamsUser } from "../support/teams-user.js";

const available = findPostgresBinDir() !== null && radclientBinary() !== null;
const SECRET = randomBytes(18).toString("base64url");
const codeAt = (secret: string, steps: number) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

let postgres: ThrowawayPostgres | null = null;
let connector: ConnectorStandIn;
let bot: BotProcess;
let servers: RadiusProcess[] = [];
const dataDir = makeDataDir("otp-radius-ha-");

beforeAll(async () => {
  if (!available) return;
  postgres = await startPostgres("validation");
  if (!postgres) return;
  const clientsFile = join(dataDir, "radius-clients.json");
  writeFileSync(clientsFile, JSON.stringify([{ name: "netscaler", address: "127.0.0.1/32", secret: SECRET }]));
  const env = { DATABASE_URL: postgres.url, ENCRYPTION_KEY: randomBytes(32).toString("base64"), RADIUS_CLIENTS_FILE: clientsFile };
  connector = await ConnectorStandIn.start();
  bot = await startBot({ dataDir, env });
  servers = await Promise.all([0, 1].map(() => startRadius({ dataDir, env, secret: SECRET })));
}, 120_000);

afterAll(async () => {
  await Promise.all([bot?.stop(), ...servers.map((s) => s.stop())]);
  await connector?.stop();
  await postgres?.stop();
  removeDataDir(dataDir);
});

describe.skipIf(!available)("two validation service instances on one PostgreSQL", () => {
  // A refusal is an answer; silence means a server dropped the request or its check failed: say which, from its own log.
  beforeEach(({ onTestFailed }) =>
    onTestFailed(() => {
      for (const [i, server] of servers.entries()) {
        const problems = server.logs().filter((line) => Number(line.level) >= 40);
        process.stderr.write(`[radius ${i}] warnings and errors: ${JSON.stringify(problems).slice(0, 2000)}\n`);
      }
    }),
  );
  const ask = (server: RadiusProcess, userName: string, password: string) =>
    askRadius(server.port, SECRET, { "User-Name": quoted(userName), "User-Password": quoted(password) });

  it("accept the same code sent to both at once exactly once", async () => {
    const run = await enroll(new TeamsUser(people.alexw, connector, bot.url), new OutboxWatch([dataDir]));
    const code = codeAt(run.secret, 1);
    const answers = await Promise.all(servers.map((server) => ask(server, "alexw", code)));
    expect(answers.map((a) => a.code).sort()).toEqual(["Access-Accept", "Access-Reject"]);
  });

  it("share the failure counter: 10 wrong codes spread over both lock the token on both", async () => {
    const run = await enroll(new TeamsUser(people.isaiahl, connector, bot.url), new OutboxWatch([dataDir]));
    const right = codeAt(run.secret, 1);
    const wrong = right === "000000" ? "111111" : "000000";
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(servers[i % 2]!, "isaiahl", wrong)));
    expect(answers.every((a) => a.code === "Access-Reject")).toBe(true);
    for (const server of servers) expect((await ask(server, "isaiahl", right)).code).toBe("Access-Reject");
  });
});
