import type { Kysely, Selectable } from "kysely";
import { ConcurrentUpdateError } from "../../features/shared/errors.js";
import type { EnrollmentStep } from "../../ports/enrollment-state.js";
import type { Versioned } from "../../ports/stores.js";
import type {
  ArticleFeedback,
  ArticleFeedbackCount,
  ArticleFeedbackStore,
  MessageRef,
  Ticket,
  TicketListFilter,
  TicketQuestion,
  TicketStore,
} from "../../ports/tickets.js";
import type { Database } from "./database.js";
import type { Schema, TicketsTable } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromJsonText, toCount, toDbTime, toJsonText } from "./sql-values.js";

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;

/**
 * Helpdesk tickets with optimistic concurrency (compare-and-set on `version`). The partial
 * unique index tickets_one_open_per_subject refuses a second open ticket for one employee,
 * on both engines; that refusal is a ConcurrentUpdateError like any lost race.
 */
export class SqlTicketStore implements TicketStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(ticket: Ticket): Promise<number> {
    return guard("ticket create", async () => {
      await this.db
        .insertInto("tickets")
        .values({ ...toRow(ticket), id: ticket.id, version: 1 })
        .execute();
      return 1;
    });
  }

  async get(id: string): Promise<Versioned<Ticket> | null> {
    return guard("ticket get", async () => {
      const row = await this.db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? { value: toTicket(row), version: row.version } : null;
    });
  }

  async findOpenForSubject(subject: string): Promise<Versioned<Ticket> | null> {
    return guard("ticket find open", async () => {
      const row = await this.db
        .selectFrom("tickets")
        .selectAll()
        .where("subject", "=", subject.toLowerCase())
        .where("status", "in", ["open", "taken"])
        .executeTakeFirst();
      return row ? { value: toTicket(row), version: row.version } : null;
    });
  }

  async save(ticket: Ticket, expectedVersion: number): Promise<number> {
    return guard("ticket save", async () => {
      const next = expectedVersion + 1;
      const result = await this.db
        .updateTable("tickets")
        .set({ ...toRow(ticket), version: next })
        .where("id", "=", ticket.id)
        .where("version", "=", expectedVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        throw new ConcurrentUpdateError(`ticket ${ticket.id} is not at version ${expectedVersion}`);
      }
      return next;
    });
  }

  async list(filter: TicketListFilter = {}): Promise<Ticket[]> {
    return guard("ticket list", async () => {
      const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? DEFAULT_LIST_LIMIT)), MAX_LIST_LIMIT);
      let query = this.db.selectFrom("tickets").selectAll();
      if (filter.status) {
        if (filter.status.length === 0) return [];
        query = query.where("status", "in", [...filter.status]);
      }
      if (filter.subject !== undefined) query = query.where("subject", "=", filter.subject.toLowerCase());
      const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
      return rows.map(toTicket);
    });
  }
}

/** "Did this help?" answers: one row per answer, never updated. */
export class SqlArticleFeedback implements ArticleFeedbackStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async record(feedback: ArticleFeedback): Promise<void> {
    await guard("feedback record", async () => {
      await this.db
        .insertInto("article_feedback")
        .values({
          article_id: feedback.articleId,
          locale: feedback.locale,
          helpful: feedback.helpful ? 1 : 0,
          subject: feedback.subject,
          at: toDbTime(feedback.at),
        })
        .execute();
    });
  }

  async countsByArticle(): Promise<ArticleFeedbackCount[]> {
    return guard("feedback counts", async () => {
      const rows = await this.db
        .selectFrom("article_feedback")
        .select((eb) => ["article_id", eb.fn.sum<string | number>("helpful").as("helpful"), eb.fn.countAll<string | number>().as("total")])
        .groupBy("article_id")
        .orderBy("article_id")
        .execute();
      return rows.map((row) => {
        const helpful = toCount(row.helpful);
        return { articleId: row.article_id, helpful, notHelpful: toCount(row.total) - helpful };
      });
    });
  }
}

export interface HelpdeskStores {
  tickets: TicketStore;
  articleFeedback: ArticleFeedbackStore;
}

/** The helpdesk's persistence ports over one open (and migrated) database. */
export function createHelpdeskStores(database: Database): HelpdeskStores {
  return { tickets: new SqlTicketStore(database.db), articleFeedback: new SqlArticleFeedback(database.db) };
}

function toRow(ticket: Ticket): Omit<TicketsTable, "id" | "version"> {
  return {
    subject: ticket.subject.toLowerCase(),
    user_key: ticket.userKey,
    login_name: ticket.loginName ?? null,
    status: ticket.status,
    taken_by: ticket.takenBy ?? null,
    resolved_by: ticket.resolvedBy ?? null,
    step: ticket.step ?? null,
    last_error: ticket.lastError ?? null,
    locale: ticket.locale,
    questions: toJsonText(ticket.questions),
    channel_message: ticket.channelMessage ? toJsonText(ticket.channelMessage) : null,
    created_at: toDbTime(new Date(ticket.createdAt)),
    updated_at: toDbTime(new Date(ticket.updatedAt)),
    resolved_at: ticket.resolvedAt ? toDbTime(new Date(ticket.resolvedAt)) : null,
  };
}

function toTicket(row: Selectable<TicketsTable>): Ticket {
  const ticket: Ticket = {
    id: row.id,
    subject: row.subject,
    userKey: row.user_key,
    status: row.status,
    questions: fromJsonText<TicketQuestion[]>(row.questions),
    locale: row.locale,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.login_name !== null) ticket.loginName = row.login_name;
  if (row.taken_by !== null) ticket.takenBy = row.taken_by;
  if (row.resolved_by !== null) ticket.resolvedBy = row.resolved_by;
  if (row.step !== null) ticket.step = row.step as EnrollmentStep;
  if (row.last_error !== null) ticket.lastError = row.last_error;
  if (row.resolved_at !== null) ticket.resolvedAt = row.resolved_at;
  if (row.channel_message !== null) ticket.channelMessage = fromJsonText<MessageRef>(row.channel_message);
  return ticket;
}
