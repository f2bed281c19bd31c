/**
 * The coverage report against the bot as a process (local mode, demo directory: five people
 * in the eligible group, Megan Bowen in "helpdesk"), and `npm run report` over the same data
 * folder. The stored state is written into the bot's SQLite file through the real stores, as
 * the bot and the validation service would have left it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqlStores, openDatabase, type Database } from "../../src/adapters/sql/index.js";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { cardFacts, cardText, cardTitle } from "../support/cards.js";
import { runCli } from "../support/cli-process.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { people, TeamsUser } from "../support/teams-user.js";

let connector: ConnectorStandIn;
let bot: BotProcess;
let dataDir: string;
let database: Database;

beforeAll(async () => {
  connector = await ConnectorStandIn.start();
  dataDir = makeDataDir();
  bot = await startBot({ dataDir }); // migrates the database
  database = await openDatabase(undefined, dataDir);
  const stores = createSqlStores(database);
  const now = new Date();
  const audit = (subject: string, action: string, outcome: "ok" | "refused" = "ok") =>
    stores.audit.append({ at: now, subject, actor: subject, action, outcome });
  for (const action of [
    "enroll.started",
    "enroll.identity",
    "enroll.sms.verify",
    "enroll.qr.shown",
    "enroll.token.activated",
    "login.validate",
  ])
    await audit("alexw@example.com", action);
  const base = {
    flowId: "f",
    locale: "sv" as const,
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    passwordFailures: 0,
    confirmFailures: 0,
  };
  const token = {
    id: "t-alexw",
    loginName: "alexw",
    upn: "alexw@example.com",
    deviceName: "Mobil",
    secretSealed: "sealed",
    activatedAt: now,
    lastTimeStep: 1,
  };
  await stores.enrollments.save("aad-alexw", { ...base, step: "done", callerUpn: "alexw@example.com" }, null, token);
  for (const action of ["enroll.started", "enroll.identity"]) await audit("lynner@example.com", action);
  await stores.enrollments.save(
    "aad-lynner",
    { ...base, step: "sms", callerUpn: "lynner@example.com", lastError: "error.smsSendFailed" },
    null,
  );
}, 180_000);

afterAll(async () => {
  await database?.close();
  await bot?.stop();
  await connector?.stop();
  if (dataDir) removeDataDir(dataDir);
});

describe("coverage report in the chat", () => {
  it("answers a helpdesk member's 'statistik' with the coverage card", async () => {
    const megan = new TeamsUser(people.meganb, connector, bot.url);
    const { status, cards } = await megan.say("statistik");
    expect(status).toBe(200);
    expect(cards).toHaveLength(1);
    expect(cardTitle(cards[0]!)).toBe("Täckning: Microsoft Authenticator");
    const facts = cardFacts(cards[0]!);
    expect(facts["Behöriga"]).toBe("5");
    expect(facts["Registrerade (aktiv app)"]).toBe("1 (20\u00a0%)");
    expect(facts["Har loggat in minst en gång"]).toBe("1 (20\u00a0%)");
    expect(facts["Sms-kod bekräftad"]).toBe("1 · 1 stannade här (error.smsSendFailed 1)");
    expect(facts["Akutmottagningen"]).toBe("1 av 1 registrerade (100\u00a0%)");
  });

  it("refuses anyone else in their language, with no numbers", async () => {
    const alex = new TeamsUser(people.alexw, connector, bot.url, "en-US");
    const { cards } = await alex.say("report");
    expect(cards).toHaveLength(1);
    expect(cardText(cards[0]!)).toContain("The coverage report is for the IT helpdesk only");
    expect(cardFacts(cards[0]!)).toEqual({});
  });
});

describe("coverage on GET /metrics", () => {
  it("exposes the totals, the funnel and departments", async () => {
    const text = await (await fetch(`${bot.url}/metrics`)).text();
    expect(text).toContain("otp_coverage_up 1\n");
    expect(text).toContain('otp_coverage_people{state="eligible"} 5\n');
    expect(text).toContain('otp_coverage_people{state="enrolled"} 1\n');
    expect(text).toContain('otp_coverage_funnel_dropped{step="sms",reason="error.smsSendFailed"} 1\n');
    expect(text).toContain('otp_coverage_department_people{department="Barnkliniken",state="not_enrolled"} 1\n');
  });
});

const runReport = (args: string[]) => runCli("src/cli/report.ts", args, { DATA_DIR: dataDir, LOG_LEVEL: "warn" });

describe("npm run report", () => {
  it("prints the same report as JSON", async () => {
    const { code, stdout, stderr } = await runReport([]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.totals).toEqual({ eligible: 5, enrolled: 1, loggedIn: 1, notEnrolled: 4 });
    expect(report.funnel.map((f: { step: string; reached: number }) => [f.step, f.reached])).toEqual([
      ["started", 2],
      ["identity", 2],
      ["sms", 1],
      ["qrShown", 1],
      ["activated", 1],
      ["firstLogin", 1],
    ]);
    expect(report.departments).toHaveLength(5);
    expect(report.weeks).toHaveLength(12);
    expect(report.weeks.at(-1)).toMatchObject({ started: 2, activated: 1, firstLogin: 1, activatedTotal: 1 });
  }, 60_000);

  it("prints it as CSV with --csv, and refuses an unknown argument", async () => {
    const { code, stdout } = await runReport(["--csv"]);
    expect(code).toBe(0);
    const lines = stdout.split("\r\n");
    expect(lines[0]).toBe("section,name,measure,value");
    expect(lines).toContain("totals,notEnrolled,people,4");
    expect(lines).toContain("dropped_by_reason,sms,error.smsSendFailed,1");
    expect(lines).toContain("department,Röntgen,eligible,1");
    const bad = await runReport(["--xml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown argument --xml");
    expect(bad.stdout).toBe("");
  }, 60_000);
});
