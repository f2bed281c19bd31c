import { sql, type Kysely, type RawBuilder } from "kysely";
import type { CoverageSource, FunnelStep, PersonProgress, TokenHolder } from "../../ports/coverage.js";
import { engineOf } from "./migrations.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime } from "./sql-values.js";

/** The audit action (and outcome) that marks each funnel step as reached. */
const STEP_EVENTS: [FunnelStep, string][] = [
  ["started", "enroll.started"],
  ["identity", "enroll.identity"],
  ["sms", "enroll.sms.verify"],
  ["qrShown", "enroll.qr.shown"],
  ["activated", "enroll.token.activated"],
  ["firstLogin", "login.validate"],
];
const LOGIN = "login.validate";

/** `min(at)` of the step's successful events: when the person first got past it. */
const firstAt = (action: string): RawBuilder<string | null> =>
  sql<string | null>`min(case when action = ${action} and outcome = 'ok' then at end)`;

/**
 * The coverage report's reads, reduced in SQL: the audit trail (the big table: every step
 * and every login) is grouped to one row per person here, never loaded. Portable SQL on
 * both engines except reading JSON out of the enrollment state.
 */
export class SqlCoverageSource implements CoverageSource {
  constructor(private readonly db: Kysely<Schema>) {}

  async progress(): Promise<PersonProgress[]> {
    return guard("coverage progress", async () => {
      const [steps, errors] = await Promise.all([this.stepRows(), this.lastErrors()]);
      const people = new Map<string, PersonProgress>();
      // Grouped by the subject as written (the index's order, no function per row); the validation
      // service writes the UPN as the directory spells it, so spellings of one person merge here.
      const latestRefusal = new Map<string, string>();
      for (const row of steps) {
        const upn = row.subject.toLowerCase();
        const person = people.get(upn) ?? { upn, firstAt: {} };
        for (const [step] of STEP_EVENTS) {
          const at = row[step] ? fromDbTime(row[step]) : undefined;
          const known = person.firstAt[step];
          if (at && (!known || at < known)) person.firstAt[step] = at;
        }
        // "at detail": ISO times are fixed-width, so max() of the pair is the latest refusal.
        const refusal = row.lastLoginRefusal;
        if (refusal && refusal > (latestRefusal.get(upn) ?? "")) {
          latestRefusal.set(upn, refusal);
          person.lastLoginRefusal = reasonOf(refusal.slice(25));
        }
        people.set(upn, person);
      }
      for (const { upn, lastError } of errors) {
        if (!upn || !lastError) continue;
        const person = people.get(upn) ?? { upn, firstAt: {} };
        person.lastError = lastError;
        people.set(upn, person);
      }
      return [...people.values()];
    });
  }

  async tokenHolders(): Promise<TokenHolder[]> {
    return guard("coverage tokens", async () => {
      const rows = await this.db
        .selectFrom("tokens")
        .select([
          "login_name",
          sql<string>`min(lower(upn))`.as("upn"),
          sql<number>`max(case when status = 'active' then 1 else 0 end)`.as("active"),
          sql<string>`min(activated_at)`.as("first_activated_at"),
        ])
        .groupBy("login_name")
        .execute();
      return rows.map((r) => ({
        loginName: r.login_name.toLowerCase(),
        upn: r.upn,
        active: Number(r.active) === 1,
        firstActivatedAt: fromDbTime(r.first_activated_at),
      }));
    });
  }

  /** One row per audit subject: when each step was first reached, and the latest refused login. */
  private stepRows() {
    return this.db
      .selectFrom("audit_events")
      .select([
        "subject",
        ...STEP_EVENTS.map(([step, action]) => firstAt(action).as(step)),
        sql<string | null>`max(case when action = ${LOGIN} and outcome <> 'ok' then at || ' ' || coalesce(detail, '') end)`.as(
          "lastLoginRefusal",
        ),
      ])
      .where(
        "action",
        "in",
        STEP_EVENTS.map(([, action]) => action),
      )
      .groupBy("subject")
      .execute() as Promise<({ subject: string; lastLoginRefusal: string | null } & Record<FunnelStep, string | null>)[]>;
  }

  /** The last refusal stored in each enrollment run (the JSON state's lastError). */
  private lastErrors(): Promise<{ upn: string | null; lastError: string | null }[]> {
    const field = (name: string) =>
      engineOf(this.db) === "postgres"
        ? sql<string | null>`(state::json ->> ${name})`
        : sql<string | null>`json_extract(state, ${`$.${name}`})`;
    return this.db
      .selectFrom("enrollments")
      .select([sql<string | null>`lower(${field("callerUpn")})`.as("upn"), field("lastError").as("lastError")])
      .where(field("lastError"), "is not", null)
      .execute();
  }
}

/** The `reason` of a login.validate detail (JSON text); "unknown" when it has none. */
function reasonOf(detail: string): string {
  try {
    const reason = (JSON.parse(detail) as { reason?: unknown }).reason;
    return typeof reason === "string" ? reason : "unknown";
  } catch {
    return "unknown";
  }
}
