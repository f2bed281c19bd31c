import { describe, expect, it } from "vitest";
import { DemoDirectory } from "../../src/adapters/demo-directory.js";
import { reminderMetrics } from "../../src/adapters/sql/metrics-source.js";
import { HelpdeskReminderReports, renderReportCard } from "../../src/features/reminders/reminder-reports.js";
import { classifyText } from "../../src/bot/edge/text-commands.js";
import { DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import { parseCampaign } from "../../src/features/reminders/campaign.js";
import type { Campaign } from "../../src/ports/reminders.js";
import type { CampaignReport, DeliverySummary } from "../../src/ports/reminders.js";
import { collectMetrics, formatMetrics, processMemoryMetrics } from "../../src/http/metrics.js";
import { t } from "../../src/i18n/messages.js";
import { cardActions, cardProblems } from "../support/card-validation.js";
import { FakeClock, MemoryStores } from "./fakes.js";

const vt26 = parseCampaign({ id: "vt26", audience: { groupDn: "CN=All" }, start: "2026-01-12", deadline: "2026-03-31" });
const pilot = parseCampaign({ id: "pilot", audience: { upns: ["a@x.se"] }, start: "2026-01-12", deadline: "2026-02-15" });

function reportOf(campaign: Campaign, lastRun = true): CampaignReport {
  const report: CampaignReport = {
    campaignId: campaign.id,
    deadline: campaign.deadline,
    timeZone: campaign.window.timeZone,
    planned: 260,
    inProgress: 3,
    sent: 250,
    failed: 2,
    skippedEnrolled: 40,
    notReachable: 12,
    snoozed: 7,
    cannot: 1,
  };
  if (lastRun) report.lastRun = { at: new Date("2026-01-20T08:05:00Z"), audience: 312, skippedEnrolled: 40, notReachable: 12 };
  return report;
}

const summary: DeliverySummary = { pending: 2, sending: 1, sent: 250, failed: 4, skipped: 3 };
const store = (campaigns: Campaign[]) => ({
  listCampaigns: async () => campaigns,
  report: async (c: Campaign) => reportOf(c, c.id === "vt26"),
  summary: async () => summary,
});

const caller = (upn: string, locale: "sv" | "en" = "sv") => ({ userKey: `aad-${upn}`, upn, locale });

describe("reminder report command", () => {
  it.each(["påminnelser", "Påminnelser!", "paminnelser", "reminders", "Reminders", "påminnelserapport", "reminder report"])(
    "'%s' asks for the report",
    (text) => {
      expect(classifyText(text).command).toBe("reports");
    },
  );
  it("leaves other words alone", () => {
    expect(classifyText("påminnelser om vad?").command).toBe("other");
    expect(classifyText("hjälp").command).toBe("help");
    expect(classifyText("In English!")).toEqual({ command: "language", locale: "en" });
    expect(classifyText("på svenska")).toEqual({ command: "language", locale: "sv" });
  });
});

describe.each(["sv", "en"] as const)("reminder report card in %s", (locale) => {
  it.each([
    ["after a run", reportOf(vt26)],
    ["never run", reportOf(pilot, false)],
  ])("%s is a valid Adaptive Card with the deadline and every count", (_name, report) => {
    const card = renderReportCard(report, locale);
    expect(cardProblems(card)).toEqual([]);
    expect(cardActions(card)).toEqual([]);
    const facts =
      (card.body as { type: string; facts?: { title: string; value: string }[] }[]).find((b) => b.type === "FactSet")?.facts ?? [];
    const byTitle = Object.fromEntries(facts.map((f) => [f.title, f.value]));
    expect(byTitle).toEqual({
      [t(locale, "reminder.report.deadline")]:
        report.campaignId === "vt26"
          ? locale === "sv"
            ? "31 mars 2026"
            : "31 March 2026"
          : locale === "sv"
            ? "15 februari 2026"
            : "15 February 2026",
      [t(locale, "reminder.report.planned")]: "260",
      [t(locale, "reminder.report.sent")]: "250",
      [t(locale, "reminder.report.failed")]: "2",
      [t(locale, "reminder.report.inProgress")]: "3",
      [t(locale, "reminder.report.skippedEnrolled")]: "40",
      [t(locale, "reminder.report.notReachable")]: "12",
      [t(locale, "reminder.report.snoozed")]: "7",
      [t(locale, "reminder.report.cannot")]: "1",
    });
    const text = JSON.stringify(card);
    expect(text).toContain(t(locale, "reminder.report.title", { campaign: report.campaignId }));
    if (report.lastRun)
      expect(text).toContain(locale === "sv" ? "tisdag 20 januari kl. 09:05: 312 personer" : "Tuesday 20 January at 09:05: 312 people");
    else expect(text).toContain(t(locale, "reminder.report.neverRun"));
  });
});

describe("HelpdeskReminderReports", () => {
  const clock = new FakeClock();
  const deps = (campaigns: Campaign[], directory = new DemoDirectory()) => {
    const audit = new MemoryStores();
    return {
      audit,
      reports: new HelpdeskReminderReports({ store: store(campaigns), directory, helpdeskGroupId: "helpdesk", clock, audit }),
    };
  };

  it("answers a helpdesk member with one card per campaign, audited", async () => {
    const { reports, audit } = deps([pilot, vt26]);
    const cards = await reports.cardsFor(caller("meganb@example.com", "en"));
    expect(cards).toHaveLength(2);
    expect(cards.map((c) => JSON.stringify(c))).toEqual([
      expect.stringContaining("Reminders: pilot"),
      expect.stringContaining("Reminders: vt26"),
    ]);
    for (const card of cards) expect(cardProblems(card)).toEqual([]);
    expect(await audit.listForSubject("meganb@example.com")).toMatchObject([
      { action: "reminder.report", outcome: "ok", detail: { campaigns: 2 } },
    ]);
  });

  it("says so when there is no campaign", async () => {
    const [card] = await deps([]).reports.cardsFor(caller("meganb@example.com"));
    expect(JSON.stringify(card)).toContain(t("sv", "reminder.report.none"));
  });

  it("refuses everyone else politely, and audits the attempt", async () => {
    const { reports, audit } = deps([vt26]);
    for (const upn of ["alexw@example.com", "nobody@example.com"]) {
      const cards = await reports.cardsFor(caller(upn));
      expect(cards).toHaveLength(1);
      expect(cardProblems(cards[0]!)).toEqual([]);
      expect(JSON.stringify(cards[0])).toContain(t("sv", "reminder.report.notAllowed"));
      expect(JSON.stringify(cards[0])).not.toContain("vt26");
      expect(await audit.listForSubject(upn)).toMatchObject([{ action: "reminder.report", outcome: "refused" }]);
    }
  });

  it("says the directory is down instead of guessing", async () => {
    const down = new DemoDirectory();
    down.findByUpn = async () => {
      throw new DirectoryUnavailableError("down");
    };
    const [card] = await deps([vt26], down).reports.cardsFor(caller("meganb@example.com", "en"));
    expect(JSON.stringify(card)).toContain(t("en", "reminder.report.directoryUnavailable"));
  });
});

describe("Prometheus text format", () => {
  it("writes HELP, TYPE and one line per sample, escaping label values and help text", () => {
    const text = formatMetrics([
      { name: "x_total", help: "Line one\nback\\slash", type: "counter", samples: [{ value: 3 }] },
      {
        name: "y",
        help: "Y.",
        type: "gauge",
        samples: [
          { labels: { campaign: 'a"b\\c\nd', status: "sent" }, value: 1.5 },
          { labels: {}, value: Number.NaN },
        ],
      },
      { name: "z", help: "Empty.", type: "gauge", samples: [] },
    ]);
    expect(text).toBe(
      [
        "# HELP x_total Line one\\nback\\\\slash",
        "# TYPE x_total counter",
        "x_total 3",
        "# HELP y Y.",
        "# TYPE y gauge",
        'y{campaign="a\\"b\\\\c\\nd",status="sent"} 1.5',
        "y NaN",
        "# HELP z Empty.",
        "# TYPE z gauge",
        "",
      ].join("\n"),
    );
  });

  it("refuses names Prometheus would reject", () => {
    expect(() => formatMetrics([{ name: "bad-name", help: "", type: "gauge", samples: [] }])).toThrow(/metric name/);
    expect(() => formatMetrics([{ name: "ok", help: "", type: "gauge", samples: [{ labels: { "bad-label": "x" }, value: 1 }] }])).toThrow(
      /label name/,
    );
    expect(() => formatMetrics([{ name: "ok", help: "", type: "gauge", samples: [{ labels: { __reserved: "x" }, value: 1 }] }])).toThrow(
      /label name/,
    );
  });

  it("exposes reminders per campaign and status, people per state, deadlines and process memory", async () => {
    const text = await collectMetrics([reminderMetrics(store([vt26]), new FakeClock())]);
    expect(text).toContain('otp_reminder_deliveries{campaign="vt26",status="sent"} 250\n');
    expect(text).toContain('otp_reminder_deliveries{campaign="vt26",status="pending"} 2\n');
    expect(text).toContain('otp_reminder_people{campaign="vt26",state="not_reachable"} 12\n');
    expect(text).toContain('otp_reminder_people{campaign="vt26",state="cannot"} 1\n');
    expect(text).toContain(`otp_reminder_deadline_seconds{campaign="vt26"} ${Math.floor(vt26.deadline.getTime() / 1000)}\n`);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    // Every line is a comment or `name{labels} value`.
    for (const line of text.trimEnd().split("\n"))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .*|[a-zA-Z_:][\w:]*(\{[^}]*\})? (-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf))$/);
    expect(
      processMemoryMetrics({ rss: 10, heapTotal: 4, heapUsed: 3, external: 2, arrayBuffers: 1 }).map((f) => f.samples[0]!.value),
    ).toEqual([10, 4, 3, 2]);
  });
});
