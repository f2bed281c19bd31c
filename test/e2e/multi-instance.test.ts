/**
 * Several instances on one PostgreSQL behave as one (issue 4): two bot processes (local
 * mode, each with its own DATA_DIR and SMS outbox) share a throwaway PostgreSQL and one
 * ENCRYPTION_KEY. Turns of one enrollment alternate between them; the same card submitted
 * to both at once activates one token and sends one SMS; a killed instance's user
 * finishes on the other.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { cardTitle, currentTotp, flowIdOf, OutboxWatch, smsCodeIn } from "../support/cards.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import {
  confirmCode,
  DEMO_PASSWORD,
  enroll,
  greet,
  passDevice,
  passIdentity,
  passSms,
  press,
  startFlow,
} from "../support/enrollment-steps.js";
import { findPostgresBinDir, startPostgres, type ThrowawayPostgres } from "../support/postgres.js";
import { people, TeamsUser, type DemoPerson } from "../support/teams-user.js";

const DONE = "Klart! Engångslösenordet är aktiverat";
const available = findPostgresBinDir() !== null;

let postgres: ThrowawayPostgres | null = null;
let db: pg.Client;
let connector: ConnectorStandIn;
let a: BotProcess;
let b: BotProcess;
const dirs = [makeDataDir("otp-bot-a-"), makeDataDir("otp-bot-b-")];

beforeAll(async () => {
  if (!available) return;
  postgres = await startPostgres("enrollment");
  if (!postgres) return;
  db = new pg.Client({ connectionString: postgres.url });
  await db.connect();
  connector = await ConnectorStandIn.start();
  const env = { DATABASE_URL: postgres.url, ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  // Both start (and migrate) at the same moment.
  const [first, second] = await Promise.all(dirs.map((dataDir) => startBot({ dataDir, env })));
  a = first!;
  b = second!;
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await db?.end();
  await connector?.stop();
  await postgres?.stop();
  for (const dir of dirs) removeDataDir(dir);
});

async function count(sql: string, params: unknown[]): Promise<number> {
  const result = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params);
  return Number(result.rows[0]!.n);
}

const activeTokens = (login: string) => count("tokens WHERE login_name = $1 AND status = 'active'", [login]);
const allTokens = (login: string) => count("tokens WHERE login_name = $1", [login]);
/** Error-level log lines of both instances: a lost race must be handled, not crash a turn. */
const errorLogs = () => [a, b].flatMap((bot) => bot.logs().filter((line) => line.level === "error" || line.level === "fatal"));
const audits = (upn: string, action: string) => count("audit_events WHERE subject = $1 AND action = $2 AND outcome = 'ok'", [upn, action]);

describe.skipIf(!available)("two instances on one PostgreSQL", () => {
  const userOf = (person: DemoPerson) => new TeamsUser(person, connector, a.url);
  const outboxes = () => new OutboxWatch(dirs);

  it("runs one enrollment whose turns alternate between the instances", async () => {
    const alex = userOf(people.alexw);
    const run = await enroll(alex, outboxes(), { botUrls: [a.url, b.url] });
    expect(cardTitle(run.cards.done)).toBe(DONE);
    expect(await activeTokens("alexw")).toBe(1);
    expect(await audits("alexw@example.com", "enroll.token.activated")).toBe(1);
    expect(await audits("alexw@example.com", "enroll.sms.sent")).toBe(1);
  });

  it("activates exactly one token when the same confirm card reaches both instances at once", async () => {
    const megan = userOf(people.meganb);
    const outbox = outboxes();
    const identity = await startFlow(megan, await greet(megan, "hej", b.url), a.url);
    const sms = await passIdentity(megan, identity, outbox, DEMO_PASSWORD, b.url);
    const qr = await passDevice(megan, await passSms(megan, sms.card, sms.code, a.url), "Megans mobil", b.url);

    const totpCode = currentTotp(qr.secret);
    const answers = await Promise.all([a.url, b.url].map((url) => press(megan, qr.card, "enroll.confirm", { totpCode }, url)));
    // Both answer with the done card: one activated, the other saw the winner's result.
    expect(answers.map(cardTitle)).toEqual([DONE, DONE]);
    expect(await activeTokens("meganb")).toBe(1);
    expect(await allTokens("meganb")).toBe(1);
    expect(await audits("meganb@example.com", "enroll.token.activated")).toBe(1);
    expect(errorLogs()).toEqual([]);
  });

  it("sends exactly one SMS when the same identity card reaches both instances at once", async () => {
    const lynne = userOf(people.lynner);
    const outbox = outboxes();
    // Her first "hej" also reaches both at once (a retried delivery): a welcome card from each, or (when one
    // turn already saw the other's card) one card and a line pointing to it; no error either way.
    await Promise.all([a.url, b.url].map((url) => lynne.post(lynne.activity({ type: "message", text: "hej" }), url)));
    const greetings = connector.takeReplies(lynne.conversationId).map((r) => r.activity);
    expect(greetings.filter((g) => (g.text ?? "").includes("Något gick fel"))).toEqual([]);
    const welcomes = greetings.flatMap((g) => g.attachments ?? []).map((att) => att.content);
    expect(welcomes.length).toBeGreaterThanOrEqual(1);
    for (const welcome of welcomes) expect(cardTitle(welcome)).toBe("Engångslösenord för inloggning utifrån");
    expect(greetings.length).toBe(2);
    const identity = await startFlow(lynne, welcomes[0]!);
    const inputs = { username: "lynner", password: DEMO_PASSWORD };
    const answers = await Promise.all([a.url, b.url].map((url) => press(lynne, identity, "enroll.identity", inputs, url)));
    expect(answers.map(cardTitle)).toEqual(["Steg 2 av 4: Kod via sms", "Steg 2 av 4: Kod via sms"]);
    const sent = outbox.take();
    expect(sent).toHaveLength(1);
    expect(await audits("lynner@example.com", "enroll.sms.sent")).toBe(1);
    expect(await audits("lynner@example.com", "enroll.identity")).toBe(1);
    expect(errorLogs()).toEqual([]);
    // The one code works, from either answer's card.
    const device = await passSms(lynne, answers[1]!, smsCodeIn(sent[0]!.text), a.url);
    expect(flowIdOf(device)).toBe(flowIdOf(identity));
  });

  // Last: it kills instance A.
  it("lets a user whose instance was killed (kill -9) mid-enrollment finish on the other", async () => {
    const isaiah = userOf(people.isaiahl);
    const outbox = outboxes();
    const sms = await passIdentity(isaiah, await startFlow(isaiah, await greet(isaiah, "hej", a.url), a.url), outbox, DEMO_PASSWORD, a.url);
    await a.kill();
    isaiah.botUrl = b.url;
    const qr = await passDevice(isaiah, await passSms(isaiah, sms.card, sms.code));
    const done = await confirmCode(isaiah, qr.card, qr.secret);
    expect(cardTitle(done.card)).toBe(DONE);
    expect(await activeTokens("isaiahl")).toBe(1);
    expect(await audits("isaiah@example.com", "enroll.token.activated")).toBe(1);
  });
});
