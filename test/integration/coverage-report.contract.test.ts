/**
 * The coverage report over real SQL (SQLite and a throwaway PostgreSQL): the stored state is
 * written through the real stores (audit trail, enrollment rows, tokens activated in the
 * enrollment transaction), read back by SqlCoverageSource and counted by CoverageReports.
 */
import { describe, expect, it } from "vitest";
import type { SqlStores } from "../../src/adapters/sql/index.js";
import { SqlCoverageSource } from "../../src/adapters/sql/report-queries.js";
import { CoverageReports } from "../../src/features/report/coverage-reports.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import type { AuditEvent } from "../../src/ports/stores.js";
import { dataLayerSuite, state } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";

const T0 = new Date("2026-03-04T10:00:00.000Z"); // a Wednesday, ISO week 2026-W10
const daysBefore = (days: number) => new Date(T0.getTime() - days * 86_400_000);

const member = (name: string, department?: string, problem?: DirectoryUser["problem"]): DirectoryUser => ({
  id: `cn=${name}`,
  loginName: name,
  upn: `${name}@region.se`,
  displayName: name,
  ...(department ? { department } : {}),
  ...(problem ? { problem } : {}),
});
const members = [
  member("anna", "Akuten"),
  member("bert", "Akuten"),
  member("cia", "Röntgen"),
  member("dan", "Röntgen"),
  member("eva"),
  member("gun", "Akuten", "disabled"),
];
const directory = {
  listGroupMembers: async (group: string) => (group === "eligible" ? members : []),
  findByUpn: async (upn: string) => members.find((m) => m.upn === upn.toLowerCase()) ?? null,
  isMemberOf: async () => false,
};

async function steps(
  stores: SqlStores,
  subject: string,
  at: Date,
  events: [string, AuditEvent["outcome"], Record<string, string>?][],
): Promise<void> {
  for (const [action, outcome, detail] of events)
    await stores.audit.append({ at, subject, actor: subject, action, outcome, ...(detail ? { detail } : {}) });
}

/** anna: all the way and logged in; bert: stuck at the SMS code; cia: wrong password; dan: a token from before the audit trail, login refused; eva: nothing; frank: not eligible. */
async function seed(stores: SqlStores): Promise<void> {
  const annaDay = daysBefore(1);
  await steps(stores, "anna@region.se", annaDay, [
    ["enroll.started", "ok"],
    ["enroll.identity", "ok"],
    ["enroll.sms.sent", "ok"],
    ["enroll.sms.verify", "ok"],
    ["enroll.qr.shown", "ok"],
    ["enroll.token.activated", "ok"],
  ]);
  const annaToken = {
    id: "t-anna",
    loginName: "anna",
    upn: "anna@region.se",
    deviceName: "Mobil",
    secretSealed: "sealed",
    activatedAt: annaDay,
    lastTimeStep: 1,
  };
  await stores.enrollments.save("aad-anna", state({ callerUpn: "anna@region.se", step: "done" }), null, annaToken);
  // The validation service audits the directory's UPN as AD spells it.
  await steps(stores, "Anna@Region.se", annaDay, [
    ["login.validate", "refused", { reason: "wrongCode" }],
    ["login.validate", "ok", { reason: "ok" }],
  ]);

  await steps(stores, "bert@region.se", daysBefore(7), [
    ["enroll.started", "ok"],
    ["enroll.identity", "ok"],
    ["enroll.sms.verify", "refused", { reason: "wrong" }],
  ]);
  await stores.enrollments.save("aad-bert", state({ callerUpn: "bert@region.se", step: "sms", lastError: "error.smsWrong" }), null);

  await steps(stores, "cia@region.se", daysBefore(7), [
    ["enroll.started", "ok"],
    ["enroll.identity", "refused", { reason: "invalidCredentials" }],
  ]);
  await stores.enrollments.save("aad-cia", state({ callerUpn: "cia@region.se", step: "identity", lastError: "error.wrongPassword" }), null);

  const danToken = {
    id: "t-dan",
    loginName: "dan",
    upn: "dan@region.se",
    deviceName: "Mobil",
    secretSealed: "sealed",
    activatedAt: daysBefore(140),
    lastTimeStep: 1,
  };
  await stores.enrollments.save("aad-dan", state({ callerUpn: "dan@region.se", step: "done" }), null, danToken);
  await steps(stores, "dan@region.se", daysBefore(2), [["login.validate", "refused", { reason: "tooManyFailures" }]]);
  await steps(stores, "dan@region.se", daysBefore(1), [
    ["login.validate", "refused", { reason: "wrongCode" }],
    ["login.password", "ok"],
  ]);

  await steps(stores, "frank@region.se", daysBefore(3), [
    ["enroll.started", "ok"],
    ["enroll.identity", "refused", { reason: "notEligible" }],
  ]);
  await stores.enrollments.save(
    "aad-frank",
    state({ callerUpn: "frank@region.se", step: "identity", lastError: "error.notEligible" }),
    null,
  );
}

function coverageContract(factory: EngineFactory): void {
  describe.skipIf(!factory.enabled)(`coverage report over SQL: ${factory.name}`, () => {
    const suite = dataLayerSuite(factory);

    it("counts eligible, enrolled, logged in; the funnel with drop-off by last error; departments; weeks", async () => {
      const { database, stores } = await suite.fresh();
      await seed(stores);
      const reports = new CoverageReports({
        source: new SqlCoverageSource(database.db),
        directory,
        eligibleGroupId: "eligible",
        helpdeskGroupId: "helpdesk",
        clock: { now: () => T0 },
      });
      const report = await reports.report();

      expect(report.eligibleGroupKnown).toBe(true);
      expect(report.totals).toEqual({ eligible: 5, enrolled: 2, loggedIn: 1, notEnrolled: 3 });
      expect(report.funnel).toEqual([
        { step: "started", reached: 4, dropped: 1, reasons: [{ reason: "none", count: 1 }] },
        { step: "identity", reached: 3, dropped: 1, reasons: [{ reason: "error.wrongPassword", count: 1 }] },
        { step: "sms", reached: 2, dropped: 1, reasons: [{ reason: "error.smsWrong", count: 1 }] },
        { step: "qrShown", reached: 2, dropped: 0, reasons: [] },
        { step: "activated", reached: 2, dropped: 0, reasons: [] },
        { step: "firstLogin", reached: 1, dropped: 1, reasons: [{ reason: "wrongCode", count: 1 }] },
      ]);
      expect(report.departments).toEqual([
        { department: "", eligible: 1, enrolled: 0, loggedIn: 0, notEnrolled: 1 },
        { department: "Akuten", eligible: 2, enrolled: 1, loggedIn: 1, notEnrolled: 1 },
        { department: "Röntgen", eligible: 2, enrolled: 1, loggedIn: 0, notEnrolled: 1 },
      ]);
      expect(report.weeks).toHaveLength(12);
      expect(report.weeks[0]!.week).toBe("2025-W51");
      expect(report.weeks.at(-2)).toEqual({ week: "2026-W09", started: 2, activated: 0, firstLogin: 0, activatedTotal: 1 });
      expect(report.weeks.at(-1)).toEqual({ week: "2026-W10", started: 1, activated: 1, firstLogin: 1, activatedTotal: 2 });
    });

    it("a revoked token is not enrolled; without an eligible group everyone with a trace is counted", async () => {
      const { database, stores } = await suite.fresh();
      await seed(stores);
      await stores.tokens.revoke("anna", T0);
      const source = new SqlCoverageSource(database.db);
      const withGroup = await new CoverageReports({
        source,
        directory,
        eligibleGroupId: "eligible",
        helpdeskGroupId: "helpdesk",
        clock: { now: () => T0 },
      }).report();
      expect(withGroup.totals).toEqual({ eligible: 5, enrolled: 1, loggedIn: 1, notEnrolled: 4 });

      const withoutGroup = await new CoverageReports({
        source,
        directory,
        eligibleGroupId: undefined,
        helpdeskGroupId: "helpdesk",
        clock: { now: () => T0 },
      }).report();
      expect(withoutGroup.eligibleGroupKnown).toBe(false);
      // anna, bert, cia, dan, frank: eva left no trace.
      expect(withoutGroup.totals).toEqual({ eligible: 5, enrolled: 1, loggedIn: 1, notEnrolled: 4 });
      expect(withoutGroup.funnel[1]).toEqual({
        step: "identity",
        reached: 3,
        dropped: 2,
        reasons: [
          { reason: "error.notEligible", count: 1 },
          { reason: "error.wrongPassword", count: 1 },
        ],
      });
    });

    it("an empty database gives zeros, not errors", async () => {
      const { database } = await suite.fresh();
      const report = await new CoverageReports({
        source: new SqlCoverageSource(database.db),
        directory,
        eligibleGroupId: "eligible",
        helpdeskGroupId: "helpdesk",
        clock: { now: () => T0 },
      }).report();
      expect(report.totals).toEqual({ eligible: 5, enrolled: 0, loggedIn: 0, notEnrolled: 5 });
      expect(report.funnel[0]).toEqual({ step: "started", reached: 0, dropped: 5, reasons: [{ reason: "none", count: 5 }] });
    });
  });
}

coverageContract(sqliteEngine("coverage"));
coverageContract(postgresEngine("coverage"));
