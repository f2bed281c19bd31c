import type { ReportMessageKey } from "./report-sv.js";

/** English texts of the coverage report card (spread at the end of en.ts). */
export const reportEn: Record<ReportMessageKey, string> = {
  "report.title": "Coverage: Microsoft Authenticator",
  "report.notAllowed": "The coverage report is for the IT helpdesk only. If you need help, type **help**.",
  "report.directoryUnavailable": "The directory (AD) is not answering right now, so I cannot make the report. Try again in a moment.",
  "report.noEligibleGroup":
    "No eligible group is configured (`LDAP_ELIGIBLE_GROUP_DN`), so the numbers cover everyone who started enrolling or logged in.",
  "report.summary": "Overview",
  "report.eligible": "Eligible",
  "report.enrolled": "Enrolled (active app)",
  "report.loggedIn": "Logged in at least once",
  "report.notEnrolled": "Not enrolled yet",
  "report.share": "{count} ({percent})",
  "report.funnel": "The enrollment funnel",
  "report.step.started": "Started",
  "report.step.identity": "Password confirmed",
  "report.step.sms": "SMS code confirmed",
  "report.step.qrShown": "QR code shown",
  "report.step.activated": "Activated",
  "report.step.firstLogin": "First login",
  "report.funnelValue": "{reached} · {dropped} stopped here",
  "report.reason.none": "no error",
  "report.departments": "Departments with the most left",
  "report.departmentValue": "{enrolled} of {eligible} enrolled ({percent})",
  "report.noDepartment": "(no department)",
  "report.moreDepartments.one": "And 1 more department.",
  "report.moreDepartments.other": "And {count} more departments.",
  "report.weeks": "Per week",
  "report.week": "Week {week}",
  "report.weekValue": "{started} started · {activated} activated · {firstLogin} first login",
  "report.footer": "Computed {when} from the stored state and the audit trail. The whole report as JSON or CSV: npm run report.",
};
