/**
 * The full path a user takes: enroll in Teams over HTTP (the bot process), then log in at
 * "Citrix" over RADIUS (the validation service as its own process on the same data folder),
 * asked by FreeRADIUS's radclient with the code computed from the QR's secret.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { generateSync } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { OutboxWatch } from "../support/cards.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { DEMO_PASSWORD, enroll } from "../support/enrollment-steps.js";
import { sqliteAudit } from "../support/sqlite-peek.js";
import { askRadius, quoted, radclientBinary } from "../support/radclient.js";
import { startRadius, type RadiusProcess } from "../support/radius-process.js";
import { people, TeamsUser } from "../support/teams-user.js";

const available = radclientBinary() !== null;
/** The code of `secret` `steps` windows from now (±1 is accepted; the activating step is used). */
const codeAt = (secret: string, steps: number) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

let connector: ConnectorStandIn;
let bot: BotProcess;
let radius: RadiusProcess;
let dataDir: string;
const secrets: string[] = [];
/** The other processes' output, searched with the rest. */
const everythingElse: string[] = [];

beforeAll(async () => {
  if (!available) return;
  connector = await ConnectorStandIn.start();
  dataDir = makeDataDir();
  bot = await startBot({ dataDir });
  radius = await startRadius({ dataDir, env: { VALIDATE_HTTP_PORT: "0", VALIDATE_API_TOKEN: "rest-token-for-the-e2e-test-0123456789" } });
});

afterAll(async () => {
  await Promise.all([bot?.stop(), radius?.stop()]);
  await connector?.stop();
  if (dataDir) removeDataDir(dataDir);
});

describe.skipIf(!available)("log in over RADIUS with the token enrolled in Teams", () => {
  const ask = (userName: string, password: string) =>
    askRadius(radius.port, radius.secret, { "User-Name": quoted(userName), "User-Password": quoted(password) });

  it("accepts the next code once, refuses it again (replay) and a wrong one, with a Swedish Reply-Message", async () => {
    const alex = new TeamsUser(people.alexw, connector, bot.url);
    const run = await enroll(alex, new OutboxWatch([dataDir]));
    secrets.push(run.secret, run.totpCode, run.smsCode);
    // The activating code's step is used: the first login takes the next one.
    expect((await ask("alexw", run.totpCode)).code).toBe("Access-Reject");
    const next = codeAt(run.secret, 1);
    secrets.push(next);
    const accepted = await ask("alexw", next);
    expect(accepted.code).toBe("Access-Accept");
    expect(accepted.attributes["Message-Authenticator"]).toMatch(/^0x[0-9a-f]{32}$/);
    const again = await ask("ALEXW", next);
    expect(again.code).toBe("Access-Reject");
    expect(again.attributes["Reply-Message"]).toBeTruthy();
    const wrong = await ask("REGION\\alexw", next === "000000" ? "111111" : "000000");
    expect(wrong.code).toBe("Access-Reject");
  });

  it("accepts the UPN and DOMAIN\\login spellings of a second user, and refuses people without a token", async () => {
    const isaiah = new TeamsUser(people.isaiahl, connector, bot.url);
    const run = await enroll(isaiah, new OutboxWatch([dataDir]));
    secrets.push(run.secret, run.totpCode, run.smsCode);
    expect((await ask("Isaiah@Example.com", codeAt(run.secret, 1))).code).toBe("Access-Accept");
    expect((await ask("adelev", "123456")).code).toBe("Access-Reject");
    expect((await ask("pattif", "123456")).code).toBe("Access-Reject");
  });

  it("drops a request under a wrong secret and one without Message-Authenticator (no answer at all)", async () => {
    const attributes = { "User-Name": quoted("alexw"), "User-Password": quoted("123456") };
    expect((await askRadius(radius.port, "not-the-shared-secret-0000", attributes)).code).toBe("none");
    expect((await askRadius(radius.port, radius.secret, attributes, { messageAuthenticator: false })).code).toBe("none");
  });

  it("password+otp and challenge modes, each its own process on the same data", async () => {
    const lynne = new TeamsUser(people.lynner, connector, bot.url);
    const megan = new TeamsUser(people.meganb, connector, bot.url);
    const lynneRun = await enroll(lynne, new OutboxWatch([dataDir]));
    const meganRun = await enroll(megan, new OutboxWatch([dataDir]));
    secrets.push(lynneRun.secret, lynneRun.totpCode, lynneRun.smsCode, meganRun.secret, meganRun.totpCode, meganRun.smsCode);
    const modes = await Promise.all(["password+otp", "challenge"].map((mode) => startRadius({ dataDir, env: { RADIUS_MODE: mode } })));
    try {
      const [passwordAndCode, challenge] = modes as [RadiusProcess, RadiusProcess];
      const lynneCode = codeAt(lynneRun.secret, 1);
      secrets.push(lynneCode);
      const viaPasswordAndCode = (password: string) =>
        askRadius(passwordAndCode.port, passwordAndCode.secret, { "User-Name": quoted("lynner"), "User-Password": quoted(password) });
      const wrongPassword = await viaPasswordAndCode(`Wrong${lynneCode}`);
      expect(wrongPassword.code).toBe("Access-Reject");
      expect(wrongPassword.attributes["Reply-Message"]).toContain("Fel lösenord eller kod");
      expect((await viaPasswordAndCode(`${DEMO_PASSWORD}${lynneCode}`)).code).toBe("Access-Accept");

      const first = await askRadius(challenge.port, challenge.secret, {
        "User-Name": quoted("meganb"),
        "User-Password": quoted(DEMO_PASSWORD),
      });
      expect(first.code).toBe("Access-Challenge");
      expect(first.attributes["Reply-Message"]).toContain("engångskoden");
      const state = first.attributes.State!;
      expect(state).toMatch(/^0x[0-9a-f]+$/);
      const meganCode = codeAt(meganRun.secret, 1);
      secrets.push(meganCode);
      const second = { "User-Name": quoted("meganb"), "User-Password": quoted(meganCode), State: state };
      expect((await askRadius(challenge.port, challenge.secret, second)).code).toBe("Access-Accept");
      // The State was used: the same answer again is refused.
      expect((await askRadius(challenge.port, challenge.secret, second)).code).toBe("Access-Reject");
      expect(
        (await askRadius(challenge.port, challenge.secret, { "User-Name": quoted("meganb"), "User-Password": quoted("wrong") })).code,
      ).toBe("Access-Reject");
      everythingElse.push(...modes.map((m) => m.output()));
    } finally {
      await Promise.all(modes.map((m) => m.stop()));
    }
  });

  it("answers POST /api/validate with the same rules, behind its bearer token", async () => {
    const url = `${radius.restUrl}/api/validate`;
    const post = (body: unknown, token = "rest-token-for-the-e2e-test-0123456789") =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await post({ user: "alexw", code: "123456" }, "wrong-token")).status).toBe(401);
    expect((await post({ user: "alexw" })).status).toBe(400);
    expect(await (await post({ user: "adelev", code: "123456" })).json()).toEqual({ ok: false, reason: "noToken" });
    // JSON can carry half a UTF-16 pair: no name, refused before any lookup or count.
    expect(await (await post({ user: "alexw\ud800", code: "123456" })).json()).toEqual({ ok: false, reason: "badRequest" });
  });

  it("audits every answer and never writes a code, the password, the secret or the RADIUS secret to the logs or the data folder", async () => {
    const audit = sqliteAudit(dataDir, "alexw@example.com", "login.");
    expect(audit.map((e) => [e.outcome, e.detail.reason])).toEqual([
      ["refused", "replay"],
      ["ok", "ok"],
      ["refused", "replay"],
      ["refused", "wrongCode"],
    ]);
    expect(audit[1]!.detail).toMatchObject({ channel: "radius", client: "local" });
    // Local mode prints each SMS on stderr as "[SMS outbox] …": the phone, not a log line.
    const botStderr = bot
      .stderr()
      .split("\n")
      .filter((line) => !line.startsWith("[SMS outbox]"))
      .join("\n");
    const everything = [radius.output(), bot.stdout(), botStderr, ...everythingElse];
    for (const file of readdirSync(dataDir)) {
      if (["sms-outbox.jsonl", "radius-secret", "encryption.key"].includes(file)) continue; // the outbox is the phone; the keys are the keys
      const path = join(dataDir, file);
      if (statSync(path).isFile()) everything.push(readFileSync(path).toString("latin1"));
    }
    const haystack = everything.join("\n");
    for (const secret of [...secrets, DEMO_PASSWORD, radius.secret]) {
      // A six-digit code only as a whole word: UUIDs and times hold digit runs by chance.
      const pattern = /^\d{6}$/.test(secret) ? new RegExp(`(?<![0-9A-Za-z])${secret}(?![0-9A-Za-z])`) : null;
      if (pattern) expect(pattern.test(haystack), `a code in the logs or data folder`).toBe(false);
      else expect(haystack.includes(secret), `a secret in the logs or data folder`).toBe(false);
    }
  });
});
