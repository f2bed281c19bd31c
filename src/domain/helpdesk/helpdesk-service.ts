import { randomUUID } from "node:crypto";
import type { Clock } from "../../ports/clock.js";
import type { Directory, DirectoryUser } from "../../ports/directory.js";
import type { EmployeeMessage, HelpdeskNotifier } from "../../ports/helpdesk-notifier.js";
import type { AuditLog, AuditOutcome, EnrollmentStore, RateCounter, TokenStore } from "../../ports/stores.js";
import type { Ticket, TicketStore } from "../../ports/tickets.js";
import type { EnrollmentState } from "../enrollment-state.js";
import { ConcurrentUpdateError, DirectoryUnavailableError } from "../errors.js";
import type { Caller, Notice } from "../step-view.js";
import { cleanQuestion, MAX_QUESTIONS_PER_TICKET } from "./question.js";
import type { DirectoryFacts, TicketView, TokenFact } from "./ticket-view.js";

export interface HelpdeskDeps {
  tickets: TicketStore;
  notifier: HelpdeskNotifier;
  directory: Directory;
  enrollments: EnrollmentStore;
  tokens: TokenStore;
  rates: RateCounter;
  audit: AuditLog;
  clock: Clock;
  /** The helpdesk group (AD group DN; "helpdesk" in the demo directory). */
  helpdeskGroupId: string;
  /** Ticket ids; random UUIDs unless a test wants fixed ones. */
  newId?: () => string;
}

/** A helpdesk member acting on a ticket card: their UPN as Teams reports it. */
export interface Actor {
  upn: string;
}

export type HelpdeskAction = "take" | "resolve" | "clearLimits" | "revokeToken" | "invite";

export interface EscalationResult {
  /** created: new ticket; updated: added to the open one; failed: the helpdesk could not be reached. */
  outcome: "created" | "updated" | "failed";
  ticketId?: string;
  /** What to tell the employee. */
  notice: Notice;
}

export interface HelpdeskActionResult {
  /** The ticket as it is now (null when it does not exist): the card to show. */
  view: TicketView | null;
  /** False when refused or nothing changed. */
  changed: boolean;
}

/** The SMS hourly counter of one user (see SmsChallenges). */
export const smsUserRateKey = (upn: string): string => `sms:user:${upn}`;

const MAX_TICKET_ID = 64;
const CAS_ATTEMPTS = 5;
const info = (key: Notice["key"], params?: Notice["params"]): Notice => ({ key, params, kind: "info" });
const refusal = (key: Notice["key"], params?: Notice["params"]): Notice => ({ key, params, kind: "refusal" });

/** What an action decided, before it is saved, audited and told. */
interface Decision {
  /** The ticket to save (undefined: the ticket stays as it is). */
  ticket?: Ticket;
  notice: Notice;
  outcome: AuditOutcome;
  detail?: Record<string, string | number | boolean>;
  /** Told to the employee after the save. */
  tell?: EmployeeMessage;
  /**
   * The decision already changed something outside the ticket (token, limits, a message):
   * a lost ticket save must not decide (and do it) again, only re-save the ticket.
   */
  effectful?: boolean;
}

/**
 * Escalation to the helpdesk: an employee's "contact the helpdesk" opens a ticket (one open
 * ticket per user; repeating adds the question), posted as a card in the helpdesk channel.
 * Helpdesk members act on the card: take, resolve, clear the employee's attempt limits,
 * revoke their token, invite them again. Every action checks helpdesk-group membership,
 * is audited (actor = helpdesk UPN, subject = employee UPN), updates the channel card in
 * place, and tells the employee what concerns them.
 */
export class HelpdeskService {
  private readonly newId: () => string;
  /** Ticket cards being posted by this process, by ticket id. */
  private readonly posting = new Map<string, Promise<void>>();

  constructor(private readonly deps: HelpdeskDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  async escalate(caller: Caller, question?: unknown): Promise<EscalationResult> {
    const now = this.deps.clock.now();
    const at = now.toISOString();
    const text = cleanQuestion(question);
    const enrollment = (await this.deps.enrollments.load(caller.userKey))?.value ?? null;
    const user = await this.findUser(caller.upn);
    const loginName = (user?.loginName ?? enrollment?.account?.loginName)?.toLowerCase();
    const snapshot = { step: enrollment?.step, lastError: enrollment?.lastError, locale: caller.locale, updatedAt: at };

    let ticket: Ticket | undefined;
    let version = 0;
    let created = false;
    for (let attempt = 0; attempt < CAS_ATTEMPTS && !ticket; attempt++) {
      const open = await this.deps.tickets.findOpenForSubject(caller.upn);
      try {
        if (open) {
          const questions = text ? [...open.value.questions, { text, at }].slice(-MAX_QUESTIONS_PER_TICKET) : open.value.questions;
          const next: Ticket = { ...open.value, ...snapshot, questions, loginName: loginName ?? open.value.loginName, userKey: caller.userKey };
          version = await this.deps.tickets.save(next, open.version);
          ticket = next;
        } else {
          const next: Ticket = {
            id: this.newId(),
            subject: caller.upn,
            userKey: caller.userKey,
            status: "open",
            questions: text ? [{ text, at }] : [],
            createdAt: at,
            ...snapshot,
          };
          if (loginName) next.loginName = loginName;
          version = await this.deps.tickets.create(next);
          ticket = next;
          created = true;
        }
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error; // someone else wrote first: look again
      }
    }
    if (!ticket) throw new ConcurrentUpdateError(`escalation of ${caller.upn} kept colliding`);

    const published = await this.publish(ticket, version);
    await this.append(caller.upn, caller.upn, "helpdesk.escalate", published ? "ok" : "error", now, {
      ticketId: ticket.id,
      created,
      questionChars: text?.length ?? 0,
      posted: published,
    });
    if (!published) return { outcome: "failed", ticketId: ticket.id, notice: refusal("helpdesk.employee.escalationFailed") };
    return {
      outcome: created ? "created" : "updated",
      ticketId: ticket.id,
      notice: info(created ? "helpdesk.employee.escalated" : "helpdesk.employee.escalationUpdated"),
    };
  }

  take(actor: Actor, ticketId: unknown): Promise<HelpdeskActionResult> {
    return this.act(actor, ticketId, "take", async (ticket, helper, now): Promise<Decision> => {
      if (ticket.status === "resolved") return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      if (ticket.status === "taken" && ticket.takenBy === helper.upn) return { notice: info("helpdesk.notice.alreadyYours"), outcome: "ok", detail: { changed: false } };
      const detail: Record<string, string> = {};
      if (ticket.takenBy) detail.previousTaker = ticket.takenBy;
      return {
        ticket: { ...ticket, status: "taken", takenBy: helper.upn, updatedAt: now.toISOString() },
        notice: info("helpdesk.notice.taken"),
        outcome: "ok",
        detail,
        tell: { kind: "text", key: "helpdesk.employee.taken", params: { name: helper.displayName } },
      };
    });
  }

  resolve(actor: Actor, ticketId: unknown): Promise<HelpdeskActionResult> {
    return this.act(actor, ticketId, "resolve", async (ticket, helper, now): Promise<Decision> => {
      if (ticket.status === "resolved") return { notice: info("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      return {
        ticket: { ...ticket, status: "resolved", takenBy: ticket.takenBy ?? helper.upn, resolvedBy: helper.upn, resolvedAt: now.toISOString(), updatedAt: now.toISOString() },
        notice: info("helpdesk.notice.resolved"),
        outcome: "ok",
        tell: { kind: "text", key: "helpdesk.employee.resolved" },
      };
    });
  }

  /**
   * Lifts the bot's own limits on the employee: password-failure block, the pending SMS
   * code and its attempts (a new code must be requested), the resend cooldown, the
   * hourly SMS cap, and first-code failures. An AD account lockout is not touched.
   */
  clearLimits(actor: Actor, ticketId: unknown): Promise<HelpdeskActionResult> {
    return this.act(actor, ticketId, "clearLimits", async (ticket, _helper, now): Promise<Decision> => {
      if (ticket.status === "resolved") return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      const hadState = await this.clearEnrollmentLimits(ticket.userKey);
      await this.deps.rates.clear(smsUserRateKey(ticket.subject));
      return {
        ticket: { ...ticket, updatedAt: now.toISOString() },
        notice: info("helpdesk.notice.limitsCleared"),
        outcome: "ok",
        detail: { hadState },
        effectful: true,
        tell: { kind: "text", key: "helpdesk.employee.limitsCleared" },
      };
    });
  }

  /** Lost phone: the employee's active token is revoked; its codes stop working at once. */
  revokeToken(actor: Actor, ticketId: unknown): Promise<HelpdeskActionResult> {
    return this.act(actor, ticketId, "revokeToken", async (ticket, _helper, now): Promise<Decision> => {
      if (ticket.status === "resolved") return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      const loginName = ticket.loginName ?? (await this.deps.directory.findByUpn(ticket.subject))?.loginName.toLowerCase();
      const active = loginName ? await this.deps.tokens.findActive(loginName) : null;
      const revoked = loginName && active ? await this.deps.tokens.revoke(loginName, now) : false;
      if (!revoked || !active) return { notice: refusal("helpdesk.notice.noToken"), outcome: "refused", detail: { reason: "noActiveToken" } };
      return {
        ticket: { ...ticket, loginName, updatedAt: now.toISOString() },
        notice: info("helpdesk.notice.tokenRevoked", { device: active.deviceName }),
        outcome: "ok",
        detail: { tokenId: active.id, deviceName: active.deviceName },
        effectful: true,
        tell: { kind: "text", key: "helpdesk.employee.tokenRevoked", params: { device: active.deviceName } },
      };
    });
  }

  /** Sends the employee a fresh welcome card in their chat. */
  invite(actor: Actor, ticketId: unknown): Promise<HelpdeskActionResult> {
    return this.act(actor, ticketId, "invite", async (ticket, _helper, now): Promise<Decision> => {
      if (ticket.status === "resolved") return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      const delivered = await this.tell(ticket.userKey, { kind: "invitation", key: "helpdesk.employee.invitation" });
      return {
        ticket: { ...ticket, updatedAt: now.toISOString() },
        notice: delivered ? info("helpdesk.notice.invited") : refusal("helpdesk.notice.notDelivered"),
        outcome: delivered ? "ok" : "error",
        detail: { delivered },
        effectful: true,
      };
    });
  }

  /** The card of a ticket as it is now (null when there is none). */
  async ticketView(ticketId: unknown, notice?: Notice): Promise<TicketView | null> {
    if (!validTicketId(ticketId)) return null;
    const record = await this.deps.tickets.get(ticketId);
    return record ? this.view(record.value, notice) : null;
  }

  /**
   * Load → check the actor → decide → compare-and-set save (the decision is re-made on the
   * fresh ticket when another save won) → audit → card updated in place → employee told.
   */
  private async act(actor: Actor, ticketId: unknown, action: HelpdeskAction, decide: (ticket: Ticket, helper: DirectoryUser, now: Date) => Promise<Decision>): Promise<HelpdeskActionResult> {
    const now = this.deps.clock.now();
    const actorUpn = actor.upn.trim().toLowerCase();
    if (!validTicketId(ticketId)) return { view: null, changed: false };
    const record = await this.deps.tickets.get(ticketId);
    if (!record) return { view: null, changed: false };
    const subject = record.value.subject;

    let helper: DirectoryUser | null;
    try {
      helper = await this.deps.directory.findByUpn(actorUpn);
      if (helper && !(await this.deps.directory.isMemberOf(helper, this.deps.helpdeskGroupId))) helper = null;
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      await this.append(actorUpn, subject, `helpdesk.${action}`, "error", now, { ticketId, reason: "directoryUnavailable" });
      return { view: await this.view(record.value, refusal("helpdesk.notice.directoryUnavailable")), changed: false };
    }
    if (!helper) {
      await this.append(actorUpn, subject, `helpdesk.${action}`, "refused", now, { ticketId, reason: "notHelpdesk" });
      return { view: await this.view(record.value, refusal("helpdesk.notice.notMember")), changed: false };
    }
    const member = { ...helper, upn: actorUpn };

    let current = record;
    let decision: Decision | undefined;
    for (let attempt = 0; ; attempt++) {
      if (!decision || !decision.effectful) {
        try {
          decision = await decide(current.value, member, now);
        } catch (error) {
          if (!(error instanceof DirectoryUnavailableError)) throw error;
          await this.append(actorUpn, subject, `helpdesk.${action}`, "error", now, { ticketId, reason: "directoryUnavailable" });
          return { view: await this.view(current.value, refusal("helpdesk.notice.directoryUnavailable")), changed: false };
        }
      } else if (decision.ticket) {
        // The side effect already happened: only carry its ticket fields onto the fresh ticket.
        decision = { ...decision, ticket: { ...current.value, updatedAt: decision.ticket.updatedAt, loginName: decision.ticket.loginName ?? current.value.loginName } };
      }
      if (!decision.ticket) {
        await this.append(actorUpn, subject, `helpdesk.${action}`, decision.outcome, now, { ticketId, ...decision.detail });
        return { view: await this.view(current.value, decision.notice), changed: false };
      }
      try {
        const version = await this.deps.tickets.save(decision.ticket, current.version);
        current = { value: decision.ticket, version };
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
        const fresh = await this.deps.tickets.get(ticketId);
        if (!fresh || attempt + 1 >= CAS_ATTEMPTS) {
          return { view: fresh ? await this.view(fresh.value, refusal("helpdesk.notice.busy")) : null, changed: false };
        }
        current = fresh;
        continue;
      }
      const delivered = decision.tell ? await this.tell(current.value.userKey, decision.tell) : undefined;
      const detail = { ticketId, ...decision.detail, ...(delivered === undefined ? {} : { employeeNotified: delivered }) };
      await this.append(actorUpn, subject, `helpdesk.${action}`, decision.outcome, now, detail);
      const view = await this.view(current.value);
      if (current.value.channelMessage) {
        await this.deps.notifier.updateTicketCard(current.value.channelMessage, view).catch(() => undefined);
      } else {
        await this.publish(current.value, current.version);
      }
      return { view: { ...view, notice: decision.notice }, changed: true };
    }
  }

  /** Puts the ticket's card in the channel: updated in place, or posted (and its place saved). */
  private async publish(ticket: Ticket, version: number): Promise<boolean> {
    try {
      if (ticket.channelMessage) {
        await this.deps.notifier.updateTicketCard(ticket.channelMessage, await this.view(ticket));
        return true;
      }
      // Another escalation of this ticket is posting its card right now (a double click): it
      // shows this one's question too (see postCard), so do not post a second card.
      const inFlight = this.posting.get(ticket.id);
      if (inFlight) {
        await inFlight;
        return true;
      }
      const post = this.postCard(ticket, version);
      this.posting.set(ticket.id, post);
      try {
        await post;
      } finally {
        this.posting.delete(ticket.id);
      }
      return true;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) throw error;
      return false; // the channel could not be reached: the ticket stays, the next escalation retries
    }
  }

  /** Posts the ticket's card and saves where it is; a change saved meanwhile is shown on the card. */
  private async postCard(ticket: Ticket, version: number): Promise<void> {
    // A post that finished after this escalation read the ticket: update that card instead.
    const latest = await this.deps.tickets.get(ticket.id);
    if (latest?.value.channelMessage) return this.deps.notifier.updateTicketCard(latest.value.channelMessage, await this.view(latest.value));
    const posted = latest ?? { value: ticket, version };
    const ref = await this.deps.notifier.postTicketCard(await this.view(posted.value));
    let current = posted;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      try {
        await this.deps.tickets.save({ ...current.value, channelMessage: ref }, current.version);
        if (current !== posted) await this.deps.notifier.updateTicketCard(ref, await this.view(current.value)).catch(() => undefined);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
        const fresh = await this.deps.tickets.get(ticket.id);
        if (!fresh) return;
        if (fresh.value.channelMessage) {
          // Another instance posted too: keep theirs, with what this escalation added.
          await this.deps.notifier.updateTicketCard(fresh.value.channelMessage, await this.view(fresh.value)).catch(() => undefined);
          return;
        }
        current = fresh;
      }
    }
  }

  private async clearEnrollmentLimits(userKey: string): Promise<boolean> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const record = await this.deps.enrollments.load(userKey);
      if (!record) return false;
      const state = record.value;
      const next: EnrollmentState = {
        ...state,
        passwordFailures: 0,
        passwordBlockedUntil: undefined,
        sms: undefined,
        lastSmsSentAt: undefined,
        confirmFailures: 0,
      };
      try {
        await this.deps.enrollments.save(userKey, next, record.version);
        return true;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
      }
    }
    throw new ConcurrentUpdateError(`enrollment of ${userKey} kept changing`);
  }

  private async tell(userKey: string, message: EmployeeMessage): Promise<boolean> {
    try {
      return await this.deps.notifier.notifyEmployee(userKey, message);
    } catch {
      return false;
    }
  }

  private async view(ticket: Ticket, notice?: Notice): Promise<TicketView> {
    let user: DirectoryUser | null = null;
    let directory: DirectoryFacts;
    try {
      user = await this.deps.directory.findByUpn(ticket.subject);
      directory = user ? { found: "yes", account: user.problem ?? "enabled", hasMobile: Boolean(user.mobile) } : { found: "no" };
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      directory = { found: "unavailable" };
    }
    const loginName = ticket.loginName ?? user?.loginName.toLowerCase();
    let token: TokenFact = { status: loginName ? "none" : "unknown" };
    if (loginName) {
      const active = await this.deps.tokens.findActive(loginName);
      if (active) token = { status: "active", deviceName: active.deviceName, activatedAt: active.activatedAt.toISOString() };
    }
    const view: TicketView = {
      ticketId: ticket.id,
      status: ticket.status,
      upn: ticket.subject,
      displayName: user?.displayName ?? ticket.subject,
      directory,
      token,
      questions: ticket.questions.map((q) => ({ ...q })),
      createdAt: ticket.createdAt,
      updatedAt: ticket.updatedAt,
    };
    if (ticket.takenBy) view.takenBy = ticket.takenBy;
    if (ticket.resolvedBy) view.resolvedBy = ticket.resolvedBy;
    if (ticket.resolvedAt) view.resolvedAt = ticket.resolvedAt;
    if (loginName) view.loginName = loginName;
    if (user?.department) view.department = user.department;
    if (ticket.step) view.step = ticket.step;
    if (ticket.lastError) view.lastError = ticket.lastError;
    if (notice) view.notice = notice;
    return view;
  }

  private async findUser(upn: string): Promise<DirectoryUser | null> {
    try {
      return await this.deps.directory.findByUpn(upn);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      return null; // escalating must work when the directory does not: the card says so
    }
  }

  private async append(actor: string, subject: string, action: string, outcome: AuditOutcome, at: Date, detail?: Record<string, string | number | boolean>): Promise<void> {
    await this.deps.audit.append({ at, actor, subject, action, outcome, ...(detail ? { detail } : {}) });
  }
}

function validTicketId(id: unknown): id is string {
  return typeof id === "string" && id.length > 0 && id.length <= MAX_TICKET_ID && /^[A-Za-z0-9-]+$/.test(id);
}
