import type { Directory, DirectoryUser } from "../../ports/directory.js";
import type { AuditLog, TokenStore } from "../../ports/stores.js";
import type { Clock } from "../../ports/clock.js";
import type { TemporaryAccessStore } from "../../ports/temporary-access.js";
import type { Ticket } from "../../ports/tickets.js";
import { DirectoryUnavailableError } from "../shared/errors.js";
import type { Notice } from "../../ports/notice.js";
import type { DirectoryFacts, LoginFacts, TicketView, TokenFact } from "../../ports/ticket-view.js";

/** The validation service's audit action (src/features/validation/validation-service.ts). */
const LOGIN_ACTION = "login.validate";

/**
 * What the helpdesk's ticket card shows, read fresh from the directory and the token store
 * each time: account state, whether a mobile number exists (never the number), token status.
 */
export class TicketViews {
  constructor(
    private readonly directory: Directory,
    private readonly tokens: TokenStore,
    private readonly audit: AuditLog,
    private readonly grants: Pick<TemporaryAccessStore, "latest">,
    private readonly clock: Clock,
  ) {}

  async build(ticket: Ticket, notice?: Notice): Promise<TicketView> {
    let user: DirectoryUser | null = null;
    let directory: DirectoryFacts;
    try {
      user = await this.directory.findByUpn(ticket.subject);
      directory = user ? { found: "yes", account: user.problem ?? "enabled", hasMobile: Boolean(user.mobile) } : { found: "no" };
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      directory = { found: "unavailable" };
    }
    const loginName = ticket.loginName ?? user?.loginName.toLowerCase();
    let token: TokenFact = { status: loginName ? "none" : "unknown" };
    if (loginName) {
      const active = await this.tokens.findActive(loginName);
      if (active) token = { status: "active", deviceName: active.deviceName, activatedAt: active.activatedAt.toISOString() };
    }
    const view: TicketView = {
      ticketId: ticket.id,
      status: ticket.status,
      upn: ticket.subject,
      displayName: user?.displayName ?? ticket.subject,
      directory,
      token,
      logins: await this.logins(ticket.subject),
      questions: ticket.questions.map((q) => ({ ...q })),
      createdAt: ticket.createdAt,
      updatedAt: ticket.updatedAt,
    };
    if (ticket.takenBy) view.takenBy = ticket.takenBy;
    if (ticket.resolvedBy) view.resolvedBy = ticket.resolvedBy;
    const takenByName = await this.displayNameOf(ticket.takenBy);
    const resolvedByName = await this.displayNameOf(ticket.resolvedBy);
    if (takenByName) view.takenByName = takenByName;
    if (resolvedByName) view.resolvedByName = resolvedByName;
    if (ticket.resolvedAt) view.resolvedAt = ticket.resolvedAt;
    if (loginName) {
      view.loginName = loginName;
      const grant = await this.grants.latest(loginName);
      if (grant && !grant.endedAt && grant.expiresAt > this.clock.now())
        view.temporaryAccess = { expiresAt: grant.expiresAt.toISOString(), reusable: grant.reusable };
    }
    if (user?.department) view.department = user.department;
    if (ticket.step) view.step = ticket.step;
    if (ticket.lastError) view.lastError = ticket.lastError;
    if (notice) view.notice = notice;
    return view;
  }

  /** A helpdesk member's display name; undefined when the directory does not know them or does not answer. */
  private async displayNameOf(upn: string | undefined): Promise<string | undefined> {
    if (!upn) return undefined;
    try {
      return (await this.directory.findByUpn(upn))?.displayName;
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      return undefined;
    }
  }

  /** The last accepted and the last refused login, with its reason (never a code). */
  private async logins(upn: string): Promise<LoginFacts> {
    const [accepted, refused] = await Promise.all([
      this.audit.latestOf(upn, LOGIN_ACTION, "ok"),
      this.audit.latestOf(upn, LOGIN_ACTION, "refused"),
    ]);
    const facts: LoginFacts = {};
    if (accepted) facts.lastAccepted = accepted.at.toISOString();
    if (refused) facts.lastRefused = { at: refused.at.toISOString(), reason: String(refused.detail?.reason ?? "unknown") };
    return facts;
  }
}
