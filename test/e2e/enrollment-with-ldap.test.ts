/**
 * The end-to-end enrollment once more, with the production directory adapter against a
 * real OpenLDAP (AD-like schema) instead of the demo directory: the bot process gets
 * LDAP_* settings exactly as an administrator would set them.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { cardText, cardTitle, OutboxWatch } from "../support/cards.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { confirmCode, greet, passDevice, passIdentity, passSms, press, startFlow } from "../support/enrollment-steps.js";
import { BASE, group, PASSWORD, SERVICE_DN, SERVICE_PASSWORD, startFixtureSlapd } from "../support/ldap-fixture.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";
import type { Slapd } from "../support/slapd.js";
import { sqliteTokens } from "../support/sqlite-peek.js";
import { TeamsUser, type DemoPerson } from "../support/teams-user.js";

const anna: DemoPerson = {
  login: "annaa",
  upn: "anna.andersson@region.se",
  name: "Anna Andersson",
  aadObjectId: "10000000-0000-0000-0000-000000000001",
};
const bertil: DemoPerson = {
  login: "bertilb",
  upn: "bertil.berg@region.se",
  name: "Bertil Berg",
  aadObjectId: "10000000-0000-0000-0000-000000000002",
};

const slapdPath = requireBinaryOrSkip("slapd");

describe.skipIf(!slapdPath)("enrollment over HTTP with the LDAP directory (real OpenLDAP)", () => {
  let slapd: Slapd;
  let connector: ConnectorStandIn;
  let bot: BotProcess;
  let dataDir: string;

  beforeAll(async () => {
    slapd = await startFixtureSlapd(slapdPath as string, { tls: true });
    const caFile = join(slapd.dir, "e2e-ca.pem");
    await import("node:fs/promises").then((fs) => fs.writeFile(caFile, slapd.caPem));
    connector = await ConnectorStandIn.start();
    dataDir = makeDataDir();
    bot = await startBot({
      dataDir,
      env: {
        LDAP_URL: slapd.ldapsUrl,
        LDAP_CA_FILE: caFile,
        LDAP_BIND_DN: SERVICE_DN,
        LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
        LDAP_BASE_DN: BASE,
        LDAP_ELIGIBLE_GROUP_DN: group("otp-eligible"),
      },
    });
  });

  afterAll(async () => {
    await bot?.stop();
    await connector?.stop();
    await slapd?.stop();
    if (dataDir) removeDataDir(dataDir);
  });

  it("enrolls an AD user over LDAPS: bind, directory mobile, QR, first code", async () => {
    const user = new TeamsUser(anna, connector, bot.url);
    const outbox = new OutboxWatch([dataDir]);
    const identity = await startFlow(user, await greet(user));
    const wrong = await press(user, identity, "enroll.identity", { username: "annaa", password: "Wrong-Horse" });
    expect(cardText(wrong)).toContain("Fel användarnamn eller lösenord");
    const sms = await passIdentity(user, identity, outbox, PASSWORD);
    expect(sms.sms.to).toBe("+46701234567"); // "070-123 45 67" in AD, normalised
    expect(cardText(sms.card)).toContain("+46 70 *** ** 67");
    const device = await passSms(user, sms.card, sms.code);
    const qr = await passDevice(user, device);
    expect(qr.uri).toContain(":annaa?");
    const done = await confirmCode(user, qr.card, qr.secret);
    expect(cardTitle(done.card)).toBe("Klart! Engångslösenordet är aktiverat");
    expect(sqliteTokens(dataDir, "annaa").filter((t) => t.status === "active")).toHaveLength(1);
    expect(bot.stdout()).not.toContain(PASSWORD);
  });

  it("gives a disabled AD account its own answer and sends nothing", async () => {
    const user = new TeamsUser(bertil, connector, bot.url);
    const outbox = new OutboxWatch([dataDir]);
    const identity = await startFlow(user, await greet(user));
    const refused = await press(user, identity, "enroll.identity", { username: "bertilb", password: PASSWORD });
    expect(cardText(refused)).toContain("Ditt konto är inaktiverat");
    expect(outbox.take()).toHaveLength(0);
  });

  it("keeps the enrollment when AD goes away and continues when it is back", async () => {
    const user = new TeamsUser({ ...anna, aadObjectId: "10000000-0000-0000-0000-000000000003" }, connector, bot.url);
    const identity = await startFlow(user, await greet(user));
    await slapd.kill();
    const down = await press(user, identity, "enroll.identity", { username: "annaa", password: PASSWORD });
    expect(cardText(down)).toContain("Katalogen (AD) svarar inte just nu");
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(503);
    await slapd.restart();
    const outbox = new OutboxWatch([dataDir]);
    const sms = await passIdentity(user, down, outbox, PASSWORD);
    expect(sms.sms.to).toBe("+46701234567");
  });
});
