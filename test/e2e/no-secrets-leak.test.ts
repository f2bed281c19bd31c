/**
 * After real enrollments over HTTP, no password, SMS code, TOTP secret (base32, hex, raw
 * bytes, base64), otpauth URI or typed TOTP code may be found in the bot's log stream
 * (stdout) or in any file of DATA_DIR, except the SMS outbox, which by design holds the
 * texts a phone would receive. The SQLite files are searched byte by byte.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { base32Decode, cardText, OutboxWatch } from "../support/cards.js";
import { confirmCode, DEMO_PASSWORD, greet, passDevice, passIdentity, passSms, press, startFlow } from "../support/enrollment-steps.js";
import { localBotSuite } from "../support/local-bot-suite.js";
import { people, TeamsUser } from "../support/teams-user.js";

const WRONG_PASSWORD = "Vinter-Sol-4711!";
const WRONG_TOTP = "246810";

const local = localBotSuite({ end: "kill" });

interface Needle {
  what: string;
  /** Searched as latin1 text, so binary files match byte for byte. */
  pattern: RegExp;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const literal = (what: string, text: string, flags = ""): Needle => ({
  what,
  pattern: new RegExp(escape(Buffer.from(text, "utf8").toString("latin1")), flags),
});
/** A six-digit code not inside a longer run of letters or digits (UUIDs and epoch times hold digit runs by chance). */
const code = (what: string, digits: string): Needle => ({ what, pattern: new RegExp(`(?<![0-9A-Za-z])${digits}(?![0-9A-Za-z])`) });

function needlesFor(secrets: { smsCodes: string[]; secret: string; uri: string; totpCodes: string[] }): Needle[] {
  const raw = base32Decode(secrets.secret);
  expect(raw).toHaveLength(20);
  return [
    literal("the password", DEMO_PASSWORD),
    literal("a wrong password", WRONG_PASSWORD),
    ...secrets.smsCodes.map((c) => code("an SMS code", c)),
    ...secrets.totpCodes.map((c) => code("a typed TOTP code", c)),
    literal("the TOTP secret (base32)", secrets.secret, "i"),
    literal("the TOTP secret (grouped for manual entry)", secrets.secret.replace(/(.{4})(?=.)/g, "$1 "), "i"),
    literal("the TOTP secret (hex)", raw.toString("hex"), "i"),
    literal("the TOTP secret (base64)", raw.toString("base64")),
    { what: "the TOTP secret (raw bytes)", pattern: new RegExp(escape(raw.toString("latin1"))) },
    literal("the otpauth URI", secrets.uri),
    literal("an otpauth URI", "otpauth://"),
  ];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every (place, secret) pair found. */
function leaks(places: { name: string; content: string }[], needles: Needle[]): string[] {
  return places.flatMap(({ name, content }) => needles.filter((n) => n.pattern.test(content)).map((n) => `${n.what} in ${name}`));
}

function dataDirPlaces(): { name: string; content: string }[] {
  return filesUnder(local.dataDir)
    .filter((path) => !path.endsWith("sms-outbox.jsonl"))
    .map((path) => ({ name: relative(local.dataDir, path), content: readFileSync(path).toString("latin1") }));
}

describe("no secrets in logs or in the data folder", () => {
  it("after an enrollment with refusals on the way", async () => {
    const alex = new TeamsUser(people.alexw, local.connector, local.bot.url);
    const outbox = new OutboxWatch([local.dataDir]);
    const identity = await startFlow(alex, await greet(alex));
    const wrong = await press(alex, identity, "enroll.identity", { username: "alexw", password: WRONG_PASSWORD });
    expect(cardText(wrong)).toContain("Fel användarnamn eller lösenord");
    const sms = await passIdentity(alex, identity, outbox);
    const qr = await passDevice(alex, await passSms(alex, sms.card, sms.code), "Alex Android");
    const smsAsTotp = await press(alex, qr.card, "enroll.confirm", { totpCode: sms.code });
    expect(cardText(smsAsTotp)).toContain("koden från sms:et");
    const wrongTotp = await press(alex, qr.card, "enroll.confirm", { totpCode: WRONG_TOTP });
    expect(cardText(wrongTotp)).toMatch(/Koden stämmer inte|klockan i din telefon/);
    const done = await confirmCode(alex, qr.card, qr.secret);

    const needles = needlesFor({ smsCodes: [sms.code], secret: qr.secret, uri: qr.uri, totpCodes: [WRONG_TOTP, done.code] });
    // The checks must be able to fail: the outbox holds the SMS code, the stand-in saw the QR.
    expect(
      leaks([{ name: "outbox", content: readFileSync(join(local.dataDir, "sms-outbox.jsonl")).toString("latin1") }], needles),
    ).toContain("an SMS code in outbox");

    // The log stream is real and covers the journey.
    const logged = local.bot.logs().map((line) => line.msg);
    expect(logged).toContain("card action");
    expect(local.bot.stdout().length).toBeGreaterThan(500);

    const stdout = { name: "stdout (logs)", content: Buffer.from(local.bot.stdout(), "utf8").toString("latin1") };
    // stderr carries the outbox's printout of each SMS (local mode, by design), but nothing else secret.
    const stderr = { name: "stderr", content: Buffer.from(local.bot.stderr(), "utf8").toString("latin1") };
    const notSmsCode = needles.filter((n) => n.what !== "an SMS code");
    expect([...leaks([stdout, ...dataDirPlaces()], needles), ...leaks([stderr], notSmsCode)]).toEqual([]);

    // The SQLite files themselves are there and were searched (the WAL while running).
    expect(dataDirPlaces().map((p) => p.name)).toEqual(expect.arrayContaining(["enrollment.sqlite"]));

    // Also after a graceful stop, when the WAL has been checkpointed into the main file.
    await local.bot.stop();
    expect(leaks([stdout, ...dataDirPlaces()], needles)).toEqual([]);
  });
});
