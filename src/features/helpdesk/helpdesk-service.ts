import { randomUUID } from "node:crypto";
import type { DirectoryUser } from "../../ports/directory.js";
import type { EmployeeMessage } from "../../ports/helpdesk-notifier.js";
import type { AuditOutcome } from "../../ports/stores.js";
import type { Ticket } from "../../ports/tickets.js";
import { ConcurrentUpdateError, DirectoryUnavailableError } from "../shared/errors.js";
import type { Notice } from "../../ports/notice.js";
import type { MessageKey } from "../../i18n/messages.js";
import type { Caller } from "../../ports/caller.js";
import { AttemptLimit } from "../shared/attempt-limit.js";
import { clearEnrollmentLimits } from "../enrollment/enrollment-limits.js";
import { ownedBy } from "../enrollment/flow-owner.js";
import { escalationRateKey, passwordCheckRateKey, smsFailureRateKey, smsUserRateKey, validationUserRateKey } from "../shared/rate-keys.js";
import { ESCALATION_LIMIT } from "../shared/request-limits.js";
import { ChannelPacer } from "./channel-pacer.js";
import { findHelpdeskMember } from "./helpdesk-membership.js";
import { cleanQuestion, MAX_QUESTIONS_PER_TICKET } from "./question.js";
import { TicketPublisher } from "./ticket-publisher.js";
import type { Actor, Decision, EscalationResult, HelpdeskAction, HelpdeskActionResult, HelpdeskDeps } from "./helpdesk-types.js";
import { TicketViews } from "./ticket-views.js";
import { decideTemporaryAccess, ticketLoginName } from "./temporary-access-decision.js";
import type { IssuedTemporaryAccess } from "../validation/temporary-access-issuer.js";

/** The SMS hourly counter of one user (see SmsChallenges). */
export { smsUserRateKey } from "../shared/rate-keys.js";

export type { Actor, EscalationResult, HelpdeskAction, HelpdeskActionResult, HelpdeskDeps } from "./helpdesk-types.js";

const MAX_TICKET_ID = 64;
const CAS_ATTEMPTS = 5;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const info = (key: Notice["key"], params?: Notice["params"]): Notice => ({ key, params, kind: "info" });
const refusal = (key: Notice["key"], params?: Notice["params"]): Notice => ({ key, params, kind: "refusal" });

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
  private readonly views: TicketViews;
  private readonly publisher: TicketPublisher;
  private readonly escalations: AttemptLimit;

  constructor(private readonly deps: HelpdeskDeps) {
    this.newId = deps.newId ?? randomUUID;
    this.views = new TicketViews(deps.directory, deps.tokens, deps.audit, deps.temporaryAccess.store, deps.clock);
    this.escalations = new AttemptLimit(deps.rates, deps.escalationLimit ?? ESCALATION_LIMIT);
    this.publisher = new TicketPublisher(
      deps.tickets,
      deps.notifier,
      this.views,
      new ChannelPacer(deps.clock, deps.wait, deps.channelPacing),
    );
  }

  /**
   * Counted first (at most ESCALATION_LIMIT per user, insert then count): a refused
   * escalation reads nothing, saves nothing and writes nothing to the channel.
   */
  async escalate(caller: Caller, question?: unknown): Promise<EscalationResult> {
    const now = this.deps.clock.now();
    const admitted = await this.escalations.throttle(escalationRateKey(caller.upn.toLowerCase()), now);
    if (!admitted.ok) {
      await this.append(caller.upn, caller.upn, "helpdesk.escalate", "refused", now, { reason: "rateLimited" });
      return { outcome: "refused", notice: refusal("helpdesk.employee.escalationLimited", { minutes: admitted.minutes }) };
    }
    const at = now.toISOString();
    const text = cleanQuestion(question);
    const stored = (await this.deps.enrollments.load(caller.userKey))?.value ?? null;
    // Another UPN's flow under this key tells the helpdesk nothing about this caller (flow-owner.ts).
    const enrollment = stored && ownedBy(caller, stored) ? stored : null;
    const user = await this.findUser(caller.upn);
    const loginName = (user?.loginName ?? enrollment?.account?.loginName)?.toLowerCase();
    const snapshot = { step: enrollment?.step, lastError: enrollment?.lastError, locale: caller.locale, updatedAt: at };

    let ticket: Ticket | undefined;
    let created = false;
    for (let attempt = 0; attempt < CAS_ATTEMPTS && !ticket; attempt++) {
      const open = await this.deps.tickets.findOpenForSubject(caller.upn);
      try {
        if (open) {
          const questions = text ? [...open.value.questions, { text, at }].slice(-MAX_QUESTIONS_PER_TICKET) : open.value.questions;
          const next: Ticket = {
            ...open.value,
            ...snapshot,
            questions,
            loginName: loginName ?? open.value.loginName,
            userKey: caller.userKey,
          };
          await this.deps.tickets.save(next, open.version);
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
          await this.deps.tickets.create(next);
          ticket = next;
          created = true;
        }
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error; // someone else wrote first: look again
      }
    }
    if (!ticket) throw new ConcurrentUpdateError(`escalation of ${caller.upn} kept colliding`);

    const published = await this.publisher.publish(ticket.id);
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
      if (ticket.status === "resolved")
        return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      if (ticket.status === "taken" && ticket.takenBy === helper.upn)
        return { notice: info("helpdesk.notice.alreadyYours"), outcome: "ok", detail: { changed: false } };
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
      if (ticket.status === "resolved")
        return { notice: info("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      return {
        ticket: {
          ...ticket,
          status: "resolved",
          takenBy: ticket.takenBy ?? helper.upn,
          resolvedBy: helper.upn,
          resolvedAt: now.toISOString(),
          updatedAt: now.toISOString(),
        },
        notice: info("helpdesk.notice.resolved"),
        outcome: "ok",
        tell: { kind: "text", key: "helpdesk.employee.resolved" },
      };
    });
  }

  /**
   * Lifts the bot's own limits on the employee: password-failure block, the pending SMS
   * code and its attempts (a new code must be requested), the resend cooldown, the
   * hourly SMS cap, the daily wrong-SMS-code cap, the password-check throttle, first-code
   * failures, and at the Citrix login the token's lock after wrong codes and the request
   * throttle. An open temporary access code ends too (a clean slate). An AD account lockout
   * is not touched.
   */
  /** The enrollment limits on the ticket's employee that are in force now (before "Clear blocks" lifts them). */
  private async limitsInForce(ticket: Ticket, now: Date): Promise<MessageKey[]> {
    const state = (await this.deps.enrollments.load(ticket.userKey))?.value;
    const inForce: MessageKey[] = [];
    if (state && ((state.passwordBlockedUntil && Date.parse(state.passwordBlockedUntil) > now.getTime()) || state.passwordFailures > 0))
      inForce.push("helpdesk.cleared.password");
    if ((await this.deps.rates.countSince(smsUserRateKey(ticket.subject), new Date(now.getTime() - HOUR_MS))) > 0)
      inForce.push("helpdesk.cleared.smsHour");
    if ((await this.deps.rates.countSince(smsFailureRateKey(ticket.subject), new Date(now.getTime() - DAY_MS))) > 0)
      inForce.push("helpdesk.cleared.smsWrong");
    return inForce;
  }

  clearLimits(actor: Actor, ticketId: unknown): Promise<HelpdeskActionResult> {
    return this.act(actor, ticketId, "clearLimits", async (ticket, _helper, now): Promise<Decision> => {
      if (ticket.status === "resolved")
        return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      const inForce = await this.limitsInForce(ticket, now);
      const hadState = await clearEnrollmentLimits(this.deps.enrollments, this.deps.rates, ticket.userKey);
      for (const key of [smsUserRateKey, smsFailureRateKey, passwordCheckRateKey]) await this.deps.rates.clear(key(ticket.subject));
      const loginName = await ticketLoginName(this.deps.directory, ticket);
      const endedTemporaryAccess = loginName ? await this.deps.temporaryAccess.store.end(loginName, now) : false;
      // The Citrix login's limits too: the token's lock after wrong codes and the request throttle.
      const token = loginName ? await this.deps.tokens.findActive(loginName) : null;
      if (token) await this.deps.tokens.clearLock(token.id);
      if (token?.lockedUntil && token.lockedUntil > now) inForce.push("helpdesk.cleared.loginLock");
      if (endedTemporaryAccess) inForce.push("helpdesk.cleared.temporaryAccess");
      for (const name of loginName ? [loginName, ticket.subject] : [ticket.subject])
        await this.deps.rates.clear(validationUserRateKey(name));
      return {
        ticket: { ...ticket, updatedAt: now.toISOString() },
        // Says what was in force, so the helpdesk knows whether the block was the problem.
        notice:
          inForce.length > 0 ? { ...info("helpdesk.notice.limitsCleared"), list: inForce } : info("helpdesk.notice.limitsClearedNone"),
        outcome: "ok",
        detail: { hadState, endedTemporaryAccess, cleared: inForce.length },
        effectful: true,
        tell: { kind: "text", key: "helpdesk.employee.limitsCleared" },
      };
    });
  }

  /** Lost phone: the employee's active token is revoked; its codes stop working at once. */
  revokeToken(actor: Actor, ticketId: unknown): Promise<HelpdeskActionResult> {
    return this.act(actor, ticketId, "revokeToken", async (ticket, _helper, now): Promise<Decision> => {
      if (ticket.status === "resolved")
        return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
      const loginName = await ticketLoginName(this.deps.directory, ticket);
      const active = loginName ? await this.deps.tokens.findActive(loginName) : null;
      const revoked = loginName && active ? await this.deps.tokens.revoke(loginName, now) : false;
      if (!revoked || !active)
        return { notice: refusal("helpdesk.notice.noToken"), outcome: "refused", detail: { reason: "noActiveToken" } };
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

  /**
   * Lost or forgotten phone: a temporary access code for the employee, asked twice (the first
   * press only asks to confirm). The code comes back once, for the pressing member's card alone.
   */
  async temporaryAccess(actor: Actor, ticketId: unknown, confirmed: boolean): Promise<HelpdeskActionResult> {
    let issued: IssuedTemporaryAccess | undefined;
    const result = await this.act(actor, ticketId, "temporaryAccess", (ticket, helper, now) =>
      decideTemporaryAccess(this.deps, ticket, helper, now, confirmed, (grant) => {
        issued = grant;
      }),
    );
    if (issued && result.changed) return { ...result, temporaryCode: { code: issued.code, reusable: issued.reusable } };
    return !confirmed && result.view?.notice?.key === "helpdesk.notice.temporaryAccessConfirm"
      ? { ...result, confirmTemporaryAccess: true }
      : result;
  }

  /** Sends the employee a fresh welcome card in their chat. */
  invite(actor: Actor, ticketId: unknown): Promise<HelpdeskActionResult> {
    return this.act(actor, ticketId, "invite", async (ticket, _helper, now): Promise<Decision> => {
      if (ticket.status === "resolved")
        return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
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

  /**
   * Load → check the actor → decide → compare-and-set save (the decision is re-made on the
   * fresh ticket when another save won) → audit → card updated in place → employee told.
   * Someone not known to be a helpdesk member gets the refusal alone: not the ticket card
   * (the employee's name, questions and account facts), not even whether the ticket exists.
   */
  private async act(
    actor: Actor,
    ticketId: unknown,
    action: HelpdeskAction,
    decide: (ticket: Ticket, helper: DirectoryUser, now: Date) => Promise<Decision>,
  ): Promise<HelpdeskActionResult> {
    const now = this.deps.clock.now();
    const actorUpn = actor.upn.trim().toLowerCase();
    if (!validTicketId(ticketId)) return { view: null, changed: false };
    const record = await this.deps.tickets.get(ticketId);
    const refuse = async (outcome: AuditOutcome, reason: string, notice: Notice): Promise<HelpdeskActionResult> => {
      if (record) await this.append(actorUpn, record.value.subject, `helpdesk.${action}`, outcome, now, { ticketId, reason });
      return { view: null, changed: false, refusal: notice };
    };

    let helper: DirectoryUser | null;
    try {
      helper = await findHelpdeskMember(this.deps.directory, this.deps.helpdeskGroupId, actorUpn);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      return refuse("error", "directoryUnavailable", refusal("helpdesk.notice.directoryUnavailable"));
    }
    if (!helper) return refuse("refused", "notHelpdesk", refusal("helpdesk.notice.notMember"));
    if (!record) return { view: null, changed: false };
    const subject = record.value.subject;
    const member = { ...helper, upn: actorUpn };

    let current = record;
    let decision: Decision | undefined;
    for (let attempt = 0; ; attempt++) {
      if (!decision?.effectful) {
        try {
          decision = await decide(current.value, member, now);
        } catch (error) {
          if (!(error instanceof DirectoryUnavailableError)) throw error;
          await this.append(actorUpn, subject, `helpdesk.${action}`, "error", now, { ticketId, reason: "directoryUnavailable" });
          return { view: await this.views.build(current.value, refusal("helpdesk.notice.directoryUnavailable")), changed: false };
        }
      } else if (decision.ticket) {
        // The side effect already happened: only carry its ticket fields onto the fresh ticket.
        decision = {
          ...decision,
          ticket: {
            ...current.value,
            updatedAt: decision.ticket.updatedAt,
            loginName: decision.ticket.loginName ?? current.value.loginName,
          },
        };
      }
      if (!decision.ticket) {
        if (!decision.unaudited)
          await this.append(actorUpn, subject, `helpdesk.${action}`, decision.outcome, now, { ticketId, ...decision.detail });
        return { view: await this.views.build(current.value, decision.notice), changed: false };
      }
      try {
        const version = await this.deps.tickets.save(decision.ticket, current.version);
        current = { value: decision.ticket, version };
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
        const fresh = await this.deps.tickets.get(ticketId);
        if (!fresh || attempt + 1 >= CAS_ATTEMPTS) {
          return { view: fresh ? await this.views.build(fresh.value, refusal("helpdesk.notice.busy")) : null, changed: false };
        }
        current = fresh;
        continue;
      }
      const delivered = decision.tell ? await this.tell(current.value.userKey, decision.tell) : undefined;
      const detail = { ticketId, ...decision.detail, ...(delivered === undefined ? {} : { employeeNotified: delivered }) };
      await this.append(actorUpn, subject, `helpdesk.${action}`, decision.outcome, now, detail);
      const view = await this.views.build(current.value);
      // The channel card follows (paced, coalesced with other changes); the member's own card is the answer.
      await this.publisher.publish(current.value.id);
      return { view: { ...view, notice: decision.notice }, changed: true };
    }
  }

  private async tell(userKey: string, message: EmployeeMessage): Promise<boolean> {
    try {
      return await this.deps.notifier.notifyEmployee(userKey, message);
    } catch {
      return false;
    }
  }

  private async findUser(upn: string): Promise<DirectoryUser | null> {
    try {
      return await this.deps.directory.findByUpn(upn);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      return null; // escalating must work when the directory does not: the card says so
    }
  }

  private async append(
    actor: string,
    subject: string,
    action: string,
    outcome: AuditOutcome,
    at: Date,
    detail?: Record<string, string | number | boolean>,
  ): Promise<void> {
    await this.deps.audit.append({ at, actor, subject, action, outcome, ...(detail ? { detail } : {}) });
  }
}

function validTicketId(id: unknown): id is string {
  return typeof id === "string" && id.length > 0 && id.length <= MAX_TICKET_ID && /^[A-Za-z0-9-]+$/.test(id);
}
