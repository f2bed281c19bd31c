/**
 * The coverage report as the bot, the CLI and /metrics ask for it: the eligible group's
 * members from the directory, the stored state through the CoverageSource, computed by
 * computeCoverage. In the chat ("statistik" / "report") only members of the helpdesk group
 * get it; everyone else a refusal in their language. Every chat request is audited.
 */
import type { CardJson } from "../shared/card-renderer.js";
import { DirectoryUnavailableError } from "../shared/errors.js";
import { findHelpdeskMember } from "../helpdesk/helpdesk-membership.js";
import { TIME_ZONE } from "../../i18n/local-time.js";
import type { Caller } from "../../ports/caller.js";
import type { Clock } from "../../ports/clock.js";
import type { CoverageSource } from "../../ports/coverage.js";
import type { Directory } from "../../ports/directory.js";
import type { AuditLog } from "../../ports/stores.js";
import { renderCoverageCard, renderCoverageMessage } from "./coverage-card.js";
import { computeCoverage, type CoveragePerson, type CoverageReport } from "./coverage.js";

export const REPORT_WEEKS = 12;

export interface CoverageReportDeps {
  source: CoverageSource;
  directory: Pick<Directory, "findByUpn" | "isMemberOf" | "listGroupMembers">;
  /** LDAP_ELIGIBLE_GROUP_DN (the demo directory's "enrollment-eligible"); undefined: none configured. */
  eligibleGroupId: string | undefined;
  /** HELPDESK_GROUP_ID: who may read the report in the chat. */
  helpdeskGroupId: string;
  clock: Clock;
  audit?: AuditLog;
  /** A report younger than this is served again (a 20,000-member group listing is not free). 0: always fresh. */
  maxAgeMs?: number;
}

export class CoverageReports {
  private cached?: { at: number; report: Promise<CoverageReport> };

  constructor(private readonly deps: CoverageReportDeps) {}

  /** The report now (or the cached one, within maxAgeMs). */
  report(): Promise<CoverageReport> {
    const now = this.deps.clock.now().getTime();
    if (this.cached && now - this.cached.at < (this.deps.maxAgeMs ?? 0)) return this.cached.report;
    const report = this.compute();
    this.cached = { at: now, report };
    // A failure is not cached (the next request tries again), unless a newer request already replaced it.
    report.catch(() => {
      if (this.cached?.report === report) this.cached = undefined;
    });
    return report;
  }

  /** The card for the chat command: the report for helpdesk members, a refusal for anyone else. */
  async cardsFor(caller: Caller): Promise<CardJson[]> {
    const { locale } = caller;
    const audit = (outcome: "ok" | "refused" | "error", detail: Record<string, string | number>) =>
      this.deps.audit?.append({
        at: this.deps.clock.now(),
        subject: caller.upn,
        actor: caller.upn,
        action: "coverage.report",
        outcome,
        detail,
      });
    try {
      if (!(await findHelpdeskMember(this.deps.directory, this.deps.helpdeskGroupId, caller.upn))) {
        await audit("refused", { reason: "notHelpdesk" });
        return [renderCoverageMessage(locale, "report.notAllowed")];
      }
      const report = await this.report();
      await audit("ok", { eligible: report.totals.eligible });
      return [renderCoverageCard(report, locale, TIME_ZONE)];
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      await audit("error", { reason: "directoryUnavailable" });
      return [renderCoverageMessage(locale, "report.directoryUnavailable")];
    }
  }

  private async compute(): Promise<CoverageReport> {
    const { eligibleGroupId, directory, source } = this.deps;
    const [members, progress, tokens] = await Promise.all([
      eligibleGroupId === undefined ? Promise.resolve(null) : directory.listGroupMembers(eligibleGroupId).then(eligiblePeople),
      source.progress(),
      source.tokenHolders(),
    ]);
    return computeCoverage({ members, progress, tokens, now: this.deps.clock.now(), timeZone: TIME_ZONE, weeks: REPORT_WEEKS });
  }
}

/** Disabled accounts cannot log in anyway: they are not counted as eligible (as campaigns leave them out). */
function eligiblePeople(users: Awaited<ReturnType<Directory["listGroupMembers"]>>): CoveragePerson[] {
  return users.filter((u) => u.problem !== "disabled").map((u) => ({ upn: u.upn, loginName: u.loginName, department: u.department }));
}
