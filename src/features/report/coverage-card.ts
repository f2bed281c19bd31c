/** The coverage report as a card (cards/coverage-report.json), in Swedish or English. */
import { expandCard, type CardJson } from "../shared/card-renderer.js";
import { cardIdentifier, cardT, cardText } from "../shared/card-text.js";
import { formatWhen } from "../reminders/reminder-card.js";
import { languages, t, type Locale, type MessageKey } from "../../i18n/messages.js";
import { countOf } from "../../i18n/plural.js";
import type { ReportMessageKey } from "../../i18n/report-sv.js";
import { NO_ERROR, type CoverageReport } from "./coverage.js";

/** How many departments and weeks fit on a card; `npm run report` has them all. */
const CARD_DEPARTMENTS = 10;
const CARD_WEEKS = 6;
/** How many drop-off reasons a funnel step shows. */
const CARD_REASONS = 3;

interface Section {
  heading: string;
  facts: { label: string; value: string }[];
  note: string | null;
}

function percent(locale: Locale, part: number, whole: number): string {
  return new Intl.NumberFormat(languages[locale].tag, { style: "percent", maximumFractionDigits: 0 }).format(
    whole === 0 ? 0 : part / whole,
  );
}

export function renderCoverageCard(report: CoverageReport, locale: Locale, timeZone: string): CardJson {
  const { totals } = report;
  const share = (count: number) => t(locale, "report.share", { count, percent: percent(locale, count, totals.eligible) });
  const reason = (r: string) => (r === NO_ERROR ? t(locale, "report.reason.none") : cardIdentifier(r));
  const sections: Section[] = [
    {
      heading: t(locale, "report.summary"),
      facts: [
        { label: t(locale, "report.eligible"), value: String(totals.eligible) },
        { label: t(locale, "report.enrolled"), value: share(totals.enrolled) },
        { label: t(locale, "report.loggedIn"), value: share(totals.loggedIn) },
        { label: t(locale, "report.notEnrolled"), value: share(totals.notEnrolled) },
      ],
      note: null,
    },
    {
      heading: t(locale, "report.funnel"),
      facts: report.funnel.map((row) => {
        const reasons = row.reasons.slice(0, CARD_REASONS).map((r) => `${reason(r.reason)} ${r.count}`);
        const value = t(locale, "report.funnelValue", { reached: row.reached, dropped: row.dropped });
        return {
          label: t(locale, `report.step.${row.step}` as MessageKey),
          value: reasons.length > 0 ? `${value} (${reasons.join(", ")})` : value,
        };
      }),
      note: null,
    },
  ];
  const departments = report.departments.slice(0, CARD_DEPARTMENTS);
  if (departments.length > 0) {
    const more = report.departments.length - departments.length;
    sections.push({
      heading: t(locale, "report.departments"),
      facts: departments.map((d) => ({
        label: d.department ? cardText(d.department) : t(locale, "report.noDepartment"),
        value: t(locale, "report.departmentValue", {
          enrolled: d.enrolled,
          eligible: d.eligible,
          percent: percent(locale, d.enrolled, d.eligible),
        }),
      })),
      note: more > 0 ? countOf(locale, "report.moreDepartments", more) : null,
    });
  }
  sections.push({
    heading: t(locale, "report.weeks"),
    facts: report.weeks
      .slice(-CARD_WEEKS)
      .map((w) => ({ label: t(locale, "report.week", { week: w.week }), value: t(locale, "report.weekValue", { ...w }) })),
    note: null,
  });
  return expandCard("coverage-report", {
    title: t(locale, "report.title"),
    message: report.eligibleGroupKnown ? null : t(locale, "report.noEligibleGroup"),
    sections,
    footer: cardT(locale, "report.footer", { when: formatWhen(report.generatedAt, locale, timeZone) }, { when: "trusted" }),
  });
}

/** A card with one message (refusal, directory down). */
export function renderCoverageMessage(locale: Locale, key: ReportMessageKey): CardJson {
  return expandCard("coverage-report", { title: t(locale, "report.title"), message: t(locale, key), sections: [], footer: null });
}
