/** Classifies ldapts errors: transport failures vs. answers, and AD bind sub-codes. */
import {
  BusyError,
  ConfidentialityRequiredError,
  InvalidCredentialsError,
  OperationsError,
  ProtocolError,
  ResultCodeError,
  StrongAuthRequiredError,
  TimeLimitExceededError,
  UnavailableError,
} from "ldapts";
import type { PasswordCheck } from "../../ports/directory.js";
import { DirectoryUnavailableError } from "../../features/shared/errors.js";

/**
 * True when the error means "the directory cannot serve us": no socket, timeout, TLS failure,
 * or a result code saying the server (not the request) is the problem.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof ResultCodeError)) return true;
  return (
    error instanceof BusyError ||
    error instanceof UnavailableError ||
    error instanceof TimeLimitExceededError ||
    error instanceof OperationsError ||
    error instanceof ProtocolError ||
    error instanceof ConfidentialityRequiredError ||
    error instanceof StrongAuthRequiredError
  );
}

/** Wraps anything into a DirectoryUnavailableError, keeping the original as cause. */
export function unavailable(what: string, cause: unknown): DirectoryUnavailableError {
  if (cause instanceof DirectoryUnavailableError) return cause;
  const detail = cause instanceof Error ? `${cause.name}: ${firstLine(cause.message)}` : String(cause);
  return new DirectoryUnavailableError(`LDAP directory unavailable (${what}): ${detail}`, { cause });
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 200);
}

/**
 * AD puts the Win32 reason in the diagnostic message of result 49, e.g.
 * "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 775, v4563".
 */
const AD_SUB_CODES: Record<string, Exclude<PasswordCheck, { ok: true }>["reason"]> = {
  "525": "invalidCredentials", // no such user
  "52e": "invalidCredentials", // wrong password
  "530": "invalidCredentials", // logon time restriction
  "531": "invalidCredentials", // workstation restriction
  "532": "passwordExpired",
  "533": "disabled",
  "701": "disabled", // account expired
  "773": "passwordExpired", // must reset password
  "775": "locked",
};

/** The failed-bind reason from AD's diagnostic message (invalidCredentials when unknown). */
export function reasonFromDiagnostic(message: string): Exclude<PasswordCheck, { ok: true }>["reason"] {
  const match = /\bdata ([0-9a-f]{3,4})\b/i.exec(message);
  const code = match?.[1]?.toLowerCase();
  return (code && AD_SUB_CODES[code]) || "invalidCredentials";
}

/**
 * Maps an error of a user bind to a PasswordCheck, or throws DirectoryUnavailableError when
 * the server could not answer the question.
 */
export function passwordCheckFromBindError(error: unknown): PasswordCheck {
  if (error instanceof InvalidCredentialsError) return { ok: false, reason: reasonFromDiagnostic(error.message) };
  if (isUnavailable(error)) throw unavailable("user bind", error);
  // Any other refusal (unwilling to perform, inappropriate authentication…) is a "no".
  return { ok: false, reason: "invalidCredentials" };
}
