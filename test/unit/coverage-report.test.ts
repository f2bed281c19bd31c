import { describe, expect, it } from "vitest";
import { DEMO_ELIGIBLE_GROUP, DemoDirectory } from "../../src/adapters/demo-directory.js";
import { classifyText } from "../../src/bot/edge/text-commands.js";
import { DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import { renderCoverageCard } from "../../src/features/report/coverage-card.js";
import { coverageCsv, coverageMetrics } from "../../src/features/report/coverage-formats.js";
import { CoverageReports } from "../../src/features/report/coverage-reports.js";
import { computeCoverage, type CoveragePerson } from "../../src/features/report/coverage.js";
import { formatMetrics } from "../../src/http/metrics.js";
import { t } from "../../src/i18n/messages.js";
import type { CoverageSource, PersonProgress, TokenHolder } from "../../src/ports/coverage.js";
import { cardActions, cardProblems } from "../support/card-validation.js";
import { cardFacts } from "../support/cards.js";
import { FakeClock, MemoryStores } from "./fakes.js";

const clock = new FakeClock(new Date("2026-11-25T09:00:00Z")); // Wednesday, 2026-W48
const day = (n: number) => new Date(clock.now().getTime() - n * 86_400_000);

/** The demo directory's eligible people: alexw enrolled and logged in, lynner stuck at the SMS step, the rest not started. */
const source: CoverageSource = {
  progress: async (): Promise<PersonProgress[]> => [
    {
      upn: "alexw@example.com",
      firstAt: { started: day(1), identity: day(1), sms: day(1), qrShown: day(1), activated: day(1), firstLogin: day(1) },
    },
    { upn: "lynner@example.com", firstAt: { started: day(9), identity: day(9) }, lastError: "error.smsSendFailed" },
  ],
  tokenHolders: async (): Promise<TokenHolder[]> => [
    { loginName: "alexw", upn: "alexw@example.com", active: true, firstActivatedAt: day(1) },
  ],
};

const caller = (upn: string, locale: "sv" | "en" = "sv") => ({ userKey: `aad-${upn}`, upn, locale });

function reports(directory = new DemoDirectory()) {
  const audit = new MemoryStores();
  return {
    audit,
    reports: new CoverageReports({ source, directory, eligibleGroupId: DEMO_ELIGIBLE_GROUP, helpdeskGroupId: "helpdesk", clock, audit }),
  };
}

describe("coverage report command", () => {
  it.each(["statistik", "Statistik!", "report", "Report", "rapport", "coverage", "täckning"])(
    "'%s' asks for the coverage report",
    (text) => {
      expect(classifyText(text).command).toBe("coverage");
    },
  );
});

describe.each(["sv", "en"] as const)("coverage card in %s", (locale) => {
  it("is a valid Adaptive Card 1.5 with the totals, the funnel, departments and weeks, no buttons", async () => {
    const card = renderCoverageCard(await reports().reports.report(), locale, "Europe/Stockholm");
    expect(card.version).toBe("1.5");
    expect(cardProblems(card)).toEqual([]);
    expect(cardActions(card)).toEqual([]);
    const facts = cardFacts(card);
    const sv = locale === "sv";
    expect(facts[t(locale, "report.eligible")]).toBe("5");
    expect(facts[t(locale, "report.enrolled")]).toBe(sv ? "1 (20\u00a0%)" : "1 (20%)");
    expect(facts[t(locale, "report.notEnrolled")]).toBe(sv ? "4 (80\u00a0%)" : "4 (80%)");
    expect(facts[t(locale, "report.step.started")]).toBe(sv ? "2 · 3 stannade här (inget fel 3)" : "2 · 3 stopped here (no error 3)");
    expect(facts[t(locale, "report.step.sms")]).toBe(
      sv ? "1 · 1 stannade här (error.smsSendFailed 1)" : "1 · 1 stopped here (error.smsSendFailed 1)",
    );
    expect(facts["Barnkliniken"]).toBe(sv ? "0 av 1 registrerade (0\u00a0%)" : "0 of 1 enrolled (0%)");
    expect(facts["Akutmottagningen"]).toBe(sv ? "1 av 1 registrerade (100\u00a0%)" : "1 of 1 enrolled (100%)");
    expect(facts[t(locale, "report.week", { week: "2026-W48" })]).toBe(
      t(locale, "report.weekValue", { started: 1, activated: 1, firstLogin: 1 }),
    );
    expect(JSON.stringify(card)).toContain(sv ? "onsdag 25 november kl. 10:00" : "Wednesday 25 November at 10:00");
  });

  it("keeps a long department list short, with the plural right, and says when no eligible group is set", () => {
    const members: CoveragePerson[] = Array.from({ length: 13 }, (_, i) => ({
      upn: `p${i}@x.se`,
      loginName: `p${i}`,
      department: `Avd ${i}`,
    }));
    const report = computeCoverage({ members, progress: [], tokens: [], now: clock.now(), timeZone: "Europe/Stockholm", weeks: 12 });
    const text = JSON.stringify(renderCoverageCard(report, locale, "Europe/Stockholm"));
    expect(text).toContain(t(locale, "report.moreDepartments.other", { count: 3 }));
    const twelve = computeCoverage({
      members: members.slice(0, 11),
      progress: [],
      tokens: [],
      now: clock.now(),
      timeZone: "Europe/Stockholm",
      weeks: 12,
    });
    expect(JSON.stringify(renderCoverageCard(twelve, locale, "Europe/Stockholm"))).toContain(t(locale, "report.moreDepartments.one"));
    const noGroup = computeCoverage({ members: null, progress: [], tokens: [], now: clock.now(), timeZone: "Europe/Stockholm", weeks: 12 });
    const card = renderCoverageCard(noGroup, locale, "Europe/Stockholm");
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain(JSON.stringify(t(locale, "report.noEligibleGroup")));
  });

  it("shows a department name from the directory as inert text", () => {
    const members = [{ upn: "a@x.se", loginName: "a", department: "[Klicka här](https://evil.example)" }];
    const report = computeCoverage({ members, progress: [], tokens: [], now: clock.now(), timeZone: "Europe/Stockholm", weeks: 12 });
    const card = renderCoverageCard(report, locale, "Europe/Stockholm");
    expect(JSON.stringify(card)).not.toContain("](https://evil.example)");
    expect(Object.keys(cardFacts(card))).toContain("\\[Klicka här\\]\\(https\\[:\\]//evil\\[.\\]example\\)");
  });
});

describe("CoverageReports in the chat", () => {
  it("answers a helpdesk member with the card, audited", async () => {
    const { reports: r, audit } = reports();
    const cards = await r.cardsFor(caller("meganb@example.com", "en"));
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0])).toContain(t("en", "report.title"));
    expect(await audit.listForSubject("meganb@example.com")).toMatchObject([
      { action: "coverage.report", outcome: "ok", detail: { eligible: 5 } },
    ]);
  });

  it.each(["sv", "en"] as const)("refuses anyone else in their language (%s), shows no numbers, audits the attempt", async (locale) => {
    const { reports: r, audit } = reports();
    for (const upn of ["alexw@example.com", "nobody@example.com"]) {
      const [card, ...more] = await r.cardsFor(caller(upn, locale));
      expect(more).toEqual([]);
      expect(cardProblems(card!)).toEqual([]);
      expect(JSON.stringify(card)).toContain(t(locale, "report.notAllowed").slice(0, 30));
      expect(cardFacts(card!)).toEqual({});
      expect(await audit.listForSubject(upn)).toMatchObject([
        { action: "coverage.report", outcome: "refused", detail: { reason: "notHelpdesk" } },
      ]);
    }
  });

  it("says the directory is down instead of guessing", async () => {
    const down = new DemoDirectory();
    down.listGroupMembers = async () => {
      throw new DirectoryUnavailableError("down");
    };
    const { reports: r, audit } = reports(down);
    const [card] = await r.cardsFor(caller("meganb@example.com", "en"));
    expect(JSON.stringify(card)).toContain(t("en", "report.directoryUnavailable"));
    expect(await audit.listForSubject("meganb@example.com")).toMatchObject([{ action: "coverage.report", outcome: "error" }]);
  });

  it("serves a cached report within maxAgeMs and a fresh one after", async () => {
    let calls = 0;
    const counting: CoverageSource = { progress: async () => (calls++, source.progress()), tokenHolders: source.tokenHolders };
    const cached = new CoverageReports({
      source: counting,
      directory: new DemoDirectory(),
      eligibleGroupId: DEMO_ELIGIBLE_GROUP,
      helpdeskGroupId: "helpdesk",
      clock,
      maxAgeMs: 60_000,
    });
    await cached.report();
    await cached.report();
    expect(calls).toBe(1);
    clock.advance(61);
    await cached.report();
    expect(calls).toBe(2);
  });

  it("does not keep a failed report: the next request tries again", async () => {
    let fail = true;
    const flaky: CoverageSource = {
      progress: async () => (fail ? Promise.reject(new Error("database down")) : source.progress()),
      tokenHolders: source.tokenHolders,
    };
    const cached = new CoverageReports({
      source: flaky,
      directory: new DemoDirectory(),
      eligibleGroupId: DEMO_ELIGIBLE_GROUP,
      helpdeskGroupId: "helpdesk",
      clock,
      maxAgeMs: 60_000,
    });
    await expect(cached.report()).rejects.toThrow("database down");
    fail = false;
    expect((await cached.report()).totals.eligible).toBe(5);
  });
});

describe("coverage as CSV and metrics", () => {
  it("writes one long section,name,measure,value table; formulas from the directory are defused", async () => {
    const report = await reports().reports.report();
    report.departments.push({ department: '=HYPERLINK("x"),1', eligible: 1, enrolled: 0, loggedIn: 0, notEnrolled: 1 });
    const lines = coverageCsv(report).split("\r\n");
    expect(lines[0]).toBe("section,name,measure,value");
    expect(lines).toContain("totals,eligible,people,5");
    expect(lines).toContain("funnel,sms,dropped,1");
    expect(lines).toContain("dropped_by_reason,sms,error.smsSendFailed,1");
    expect(lines).toContain("department,Röntgen,notEnrolled,1");
    expect(lines).toContain("week,2026-W48,activated,1");
    expect(lines).toContain(`department,"'=HYPERLINK(""x""),1",eligible,1`);
    expect(lines.at(-1)).toBe("");
  });

  it("exposes otp_coverage_* gauges, and only otp_coverage_up 0 when the report fails", async () => {
    const text = formatMetrics(await coverageMetrics(() => reports().reports.report())());
    expect(text).toContain("otp_coverage_up 1\n");
    expect(text).toContain('otp_coverage_people{state="eligible"} 5\n');
    expect(text).toContain('otp_coverage_people{state="logged_in"} 1\n');
    expect(text).toContain('otp_coverage_funnel_reached{step="identity"} 2\n');
    expect(text).toContain('otp_coverage_funnel_dropped{step="sms",reason="error.smsSendFailed"} 1\n');
    expect(text).toContain('otp_coverage_department_people{department="Akutmottagningen",state="enrolled"} 1\n');
    const failing = formatMetrics(await coverageMetrics(() => Promise.reject(new DirectoryUnavailableError("down")))());
    expect(failing).toBe(
      "# HELP otp_coverage_up 1 when the coverage report could be computed (directory and database answered).\n# TYPE otp_coverage_up gauge\notp_coverage_up 0\n",
    );
  });
});
