import type { Kysely } from "kysely";
import type { ReminderStore } from "../../ports/reminders.js";
import type { Clock } from "../../ports/clock.js";
import type { ArticleFeedbackStore } from "../../ports/tickets.js";
import type { MetricFamily, MetricsSource } from "../../ports/metrics.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { toCount } from "./sql-values.js";

const DELIVERY_STATUSES = ["pending", "sending", "sent", "failed", "skipped"] as const;
const TOKEN_STATUSES = ["active", "replaced", "revoked"] as const;

/** Tokens by status (enrollments: `active` is everyone who can log in with the app). */
export function tokenMetrics(db: Kysely<Schema>): MetricsSource {
  return async () => {
    const rows = await guard("token metrics", () =>
      db
        .selectFrom("tokens")
        .select((eb) => ["status", eb.fn.countAll().as("n")])
        .groupBy("status")
        .execute(),
    );
    const count = (status: string) => toCount(rows.find((r) => r.status === status)?.n as number | undefined);
    return [
      { name: "otp_tokens_active", help: "Enrolled authenticators (active tokens).", type: "gauge", samples: [{ value: count("active") }] },
      {
        name: "otp_tokens",
        help: "Tokens by status.",
        type: "gauge",
        samples: TOKEN_STATUSES.map((status) => ({ labels: { status }, value: count(status) })),
      },
    ];
  };
}

/** Per campaign: reminders by queue status, and the people counts of the delivery report. */
export function reminderMetrics(store: Pick<ReminderStore, "listCampaigns" | "summary" | "report">, clock: Clock): MetricsSource {
  return async () => {
    const now = clock.now();
    const campaigns = await store.listCampaigns();
    const rows = await Promise.all(
      campaigns.map(async (c) => ({ id: c.id, summary: await store.summary(c.id), report: await store.report(c, now) })),
    );
    const deliveries: MetricFamily = {
      name: "otp_reminder_deliveries",
      help: "Reminders per campaign and queue status.",
      type: "gauge",
      samples: [],
    };
    const people: MetricFamily = {
      name: "otp_reminder_people",
      help: "People per campaign: enrolled and not reachable (last run), snoozed now, said they cannot.",
      type: "gauge",
      samples: [],
    };
    const deadline: MetricFamily = {
      name: "otp_reminder_deadline_seconds",
      help: "Campaign deadline, Unix time.",
      type: "gauge",
      samples: [],
    };
    for (const { id, summary, report } of rows) {
      for (const status of DELIVERY_STATUSES) deliveries.samples.push({ labels: { campaign: id, status }, value: summary[status] });
      for (const [state, value] of [
        ["enrolled", report.skippedEnrolled],
        ["not_reachable", report.notReachable],
        ["snoozed", report.snoozed],
        ["cannot", report.cannot],
      ] as const) {
        people.samples.push({ labels: { campaign: id, state }, value });
      }
      deadline.samples.push({ labels: { campaign: id }, value: Math.floor(report.deadline.getTime() / 1000) });
    }
    return [deliveries, people, deadline];
  };
}

/** "Did this help?" answers per knowledge-base article (issue: feedback counted per article). */
export function articleFeedbackMetrics(feedback: ArticleFeedbackStore): MetricsSource {
  return async () => {
    const counts = await feedback.countsByArticle();
    return [
      {
        name: "otp_article_feedback",
        help: "Answers to 'Did this help?' per knowledge-base article.",
        type: "gauge",
        samples: counts.flatMap((c) => [
          { labels: { article: c.articleId, helpful: "yes" }, value: c.helpful },
          { labels: { article: c.articleId, helpful: "no" }, value: c.notHelpful },
        ]),
      },
    ];
  };
}
