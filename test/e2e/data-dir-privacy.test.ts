/**
 * DATA_DIR holds phone numbers, UPNs, the audit trail, the local encryption key and (local
 * mode) the SMS outbox: the bot process keeps it to itself. The folder is 0700 and every file
 * the bot writes there 0600, also when the folder and files were left readable by others
 * (they are tightened at start, with a warning naming each path). And it keeps less: the
 * full phone number only while the flow may still send an SMS code.
 */
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboxWatch } from "../support/cards.js";
import { confirmCode, enroll, greet, passDevice, passIdentity, passSms, startFlow } from "../support/enrollment-steps.js";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { sqliteEnrollmentState } from "../support/sqlite-peek.js";
import { people, TeamsUser } from "../support/teams-user.js";

const modeOf = (path: string) => statSync(path).mode & 0o777;
const octal = (mode: number) => `0${mode.toString(8)}`;

let connector: ConnectorStandIn;
let parent: string;
let dataDir: string;
let bot: BotProcess | undefined;
/** A short resend cooldown: the last test enrolls one person twice. */
const botEnv = () => ({ DATA_DIR: dataDir, SMS_RESEND_COOLDOWN_SECONDS: "10" });

beforeAll(async () => {
  connector = await ConnectorStandIn.start();
  parent = makeDataDir();
  dataDir = join(parent, "data"); // does not exist yet: the bot creates it
});

afterAll(async () => {
  await bot?.kill();
  await connector.stop();
  removeDataDir(parent);
});

/** Every file and folder in DATA_DIR with its mode, e.g. { "enrollment.sqlite": "0600" }. */
function modes(): Record<string, string> {
  return Object.fromEntries([
    [".", octal(modeOf(dataDir))],
    ...readdirSync(dataDir).map((name) => [name, octal(modeOf(join(dataDir, name)))]),
  ]);
}

describe("the data folder is private to the bot", () => {
  it("creates DATA_DIR 0700 and the database, its WAL and shared memory, the key and the outbox 0600", async () => {
    bot = await startBot({ dataDir: parent, env: botEnv() });
    const alex = new TeamsUser(people.alexw, connector, bot.url);
    await passIdentity(alex, await startFlow(alex, await greet(alex)), new OutboxWatch([dataDir]));

    expect(readdirSync(dataDir)).toEqual(
      expect.arrayContaining(["enrollment.sqlite", "enrollment.sqlite-wal", "enrollment.sqlite-shm", "encryption.key", "sms-outbox.jsonl"]),
    );
    const expected = Object.fromEntries(Object.keys(modes()).map((name) => [name, name === "." ? "0700" : "0600"]));
    expect(modes()).toEqual(expected);
  }, 120_000);

  it("tightens a folder and files left readable by every local user, and says so", async () => {
    await bot?.stop();
    chmodSync(dataDir, 0o755);
    for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644);
    expect(modes()["."]).toBe("0755");

    bot = await startBot({ dataDir: parent, env: botEnv() });
    const expected = Object.fromEntries(Object.keys(modes()).map((name) => [name, name === "." ? "0700" : "0600"]));
    expect(modes()).toEqual(expected);
    const warned = bot.logs().filter((line) => line.msg === "data folder permissions tightened");
    expect(warned.map((line) => line.path)).toEqual(
      expect.arrayContaining([
        dataDir,
        join(dataDir, "enrollment.sqlite"),
        join(dataDir, "encryption.key"),
        join(dataDir, "sms-outbox.jsonl"),
      ]),
    );
    expect(warned.every((line) => line.level === "warn" && (line.was === "0644" || line.was === "0755"))).toBe(true);

    // Still works: a second user's code goes out (the outbox stays private as it grows).
    const megan = new TeamsUser(people.meganb, connector, bot.url);
    await passIdentity(megan, await startFlow(megan, await greet(megan)), new OutboxWatch([dataDir]));
    expect(modes()["sms-outbox.jsonl"]).toBe("0600");
  }, 120_000);

  it("stores the full phone number only during the SMS step; the notice of a new authenticator still reaches it", async () => {
    const running = bot!;
    const isaiah = new TeamsUser(people.isaiahl, connector, running.url);
    const number = "+46701740608"; // Isaiah's, in the demo directory
    const digits = number.slice(3); // "701740608": also without +46 or with a leading 0
    const state = () => sqliteEnrollmentState(dataDir, people.isaiahl.aadObjectId) ?? "";
    const outbox = new OutboxWatch([dataDir]);
    await enroll(isaiah, outbox);
    expect(state()).toContain('"step":"done"');
    expect(state()).not.toContain(digits);

    // A new phone: the same journey, and an SMS saying a new authenticator was registered.
    const sms = await passIdentity(isaiah, await startFlow(isaiah, await greet(isaiah)), outbox);
    expect(state()).toContain(number); // while a new code may be asked for (the check can fail)
    const device = await passSms(isaiah, sms.card, sms.code);
    expect(state()).not.toContain(digits);
    const qr = await passDevice(isaiah, device, "Ny telefon");
    expect(state()).not.toContain(digits);
    await confirmCode(isaiah, qr.card, qr.secret);
    expect(state()).not.toContain(digits);
    expect(outbox.take()).toEqual([
      expect.objectContaining({ to: number, text: expect.stringContaining("En ny Microsoft Authenticator (Ny telefon)") }),
    ]);

    // Stopped (the WAL checkpointed into the database file), no byte of the data folder holds
    // the number any more (old row versions are zeroed, secure_delete), except the outbox,
    // which is the phones' side. (Alex and Megan are still at the SMS step: theirs is kept.)
    await running.stop();
    const files = readdirSync(dataDir).filter((name) => name !== "sms-outbox.jsonl");
    expect(files).toContain("enrollment.sqlite");
    const bytes = (name: string) => readFileSync(join(dataDir, name)).toString("latin1");
    expect(bytes("enrollment.sqlite")).toContain("701740605"); // the search can find a number
    for (const name of files) expect(bytes(name), name).not.toContain(digits);
  }, 120_000);
});
