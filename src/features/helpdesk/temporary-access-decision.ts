import type { Directory, DirectoryUser } from "../../ports/directory.js";
import type { Notice } from "../../ports/notice.js";
import type { Ticket } from "../../ports/tickets.js";
import { localDateTime } from "../../i18n/local-time.js";
import type { IssuedTemporaryAccess } from "../validation/temporary-access-issuer.js";
import type { Decision, HelpdeskTemporaryAccess } from "./helpdesk-types.js";

/** The ticket's login name: stored on the ticket, else the directory's. */
export async function ticketLoginName(directory: Directory, ticket: Ticket): Promise<string | undefined> {
  return ticket.loginName ?? (await directory.findByUpn(ticket.subject))?.loginName.toLowerCase();
}

/**
 * The helpdesk's "temporary code" button. Unconfirmed: only the question (nothing created,
 * nothing audited). Confirmed: a code for the ticket's employee (replacing an open one),
 * handed to `reveal` for the pressing member's own card; the audit row and the employee's
 * message carry until when and by whom, never the code.
 */
export async function decideTemporaryAccess(
  deps: { directory: Directory; temporaryAccess: HelpdeskTemporaryAccess },
  ticket: Ticket,
  helper: DirectoryUser,
  now: Date,
  confirmed: boolean,
  reveal: (issued: IssuedTemporaryAccess) => void,
): Promise<Decision> {
  const refusal = (key: Notice["key"]): Notice => ({ key, kind: "refusal" });
  if (ticket.status === "resolved")
    return { notice: refusal("helpdesk.notice.closed"), outcome: "refused", detail: { reason: "resolved" } };
  if (!confirmed) {
    return {
      notice: { key: "helpdesk.notice.temporaryAccessConfirm", params: { hours: deps.temporaryAccess.hours }, kind: "info" },
      outcome: "ok",
      unaudited: true,
    };
  }
  const loginName = await ticketLoginName(deps.directory, ticket);
  if (!loginName)
    return { notice: refusal("helpdesk.notice.temporaryAccessNoAccount"), outcome: "refused", detail: { reason: "noDirectoryAccount" } };
  const issued = await deps.temporaryAccess.issuer.issue({ loginName, upn: ticket.subject }, helper.upn, now);
  reveal(issued);
  const time = localDateTime(issued.expiresAt);
  return {
    ticket: { ...ticket, loginName, updatedAt: now.toISOString() },
    notice: { key: "helpdesk.notice.temporaryAccessIssued", params: { time }, kind: "info" },
    outcome: "ok",
    detail: { expiresAt: issued.expiresAt.toISOString(), reusable: issued.reusable },
    effectful: true,
    tell: { kind: "text", key: "helpdesk.employee.temporaryAccess", params: { name: helper.displayName, time } },
  };
}
