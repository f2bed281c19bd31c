/**
 * AppInstaller over Microsoft Graph: installs the bot's Teams app as a personal app for one
 * user, with an app-only token (application permission
 * TeamsAppInstallation.ReadWriteSelfForUser.All, admin-consented):
 *
 *   POST {graph}/v1.0/users/{aadObjectId or UPN}/teamwork/installedApps
 *   { "teamsApp@odata.bind": "{graph}/v1.0/appCatalogs/teamsApps/{TEAMS_APP_CATALOG_ID}" }
 *
 * 201 → "installed", 409 → "alreadyInstalled"; 429/502/503/504 and network errors are retried
 * up to `maxAttempts` requests, honouring Retry-After (capped); anything else is "failed" and
 * the reason (status, Graph error code and message) is logged. The token only ever goes into
 * the Authorization header: never into a reason, a log line or an error.
 */
import type { TokenCredential } from "@azure/identity";
import type { AppInstaller } from "../ports/reminders.js";

export type InstallOutcome = Awaited<ReturnType<AppInstaller["install"]>>;

export interface InstallerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface GraphAppInstallerOptions {
  /** The app's id in the tenant's app catalog (TEAMS_APP_CATALOG_ID), not the manifest id. */
  catalogAppId: string;
  /** GRAPH_BASE_URL, e.g. https://graph.microsoft.com (a local stand-in in tests). */
  graphBaseUrl: string;
  scope?: string;
  /** Requests per install, retries included (default 4). */
  maxAttempts?: number;
  /** Longest wait honoured from a Retry-After (default 60 s); back-off without one starts at `baseBackoffMs`. */
  maxRetryAfterMs?: number;
  baseBackoffMs?: number;
  timeoutMs?: number;
  /** After the credential fails, installs fail fast with the same reason for this long (default 60 s). */
  credentialFailureMs?: number;
  logger?: InstallerLogger;
  wait?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const RETRYABLE = new Set([429, 502, 503, 504]);
/** Tokens are renewed this long before they expire. */
const TOKEN_RENEW_MS = 5 * 60_000;

export class GraphAppInstaller implements AppInstaller {
  private readonly base: string;
  private readonly options: Required<Omit<GraphAppInstallerOptions, "logger">> & { logger?: InstallerLogger };
  private token: { value: string; expiresAt: number } | undefined;
  private tokenRequest: Promise<string> | undefined;
  private credentialFailure: { reason: string; until: number } | undefined;

  constructor(
    private readonly credential: TokenCredential,
    options: GraphAppInstallerOptions,
  ) {
    this.base = options.graphBaseUrl.replace(/\/+$/, "");
    this.options = {
      scope: GRAPH_SCOPE,
      maxAttempts: 4,
      maxRetryAfterMs: 60_000,
      baseBackoffMs: 1_000,
      timeoutMs: 30_000,
      credentialFailureMs: 60_000,
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
      now: Date.now,
      ...options,
    };
  }

  async install(user: { upn: string; aadObjectId?: string }): Promise<InstallOutcome> {
    const id = encodeURIComponent(user.aadObjectId ?? user.upn);
    const url = `${this.base}/v1.0/users/${id}/teamwork/installedApps`;
    const body = JSON.stringify({
      "teamsApp@odata.bind": `${this.base}/v1.0/appCatalogs/teamsApps/${encodeURIComponent(this.options.catalogAppId)}`,
    });
    // A request that timed out or got a 5xx may still have installed the app: a 409 after it is ours.
    let ambiguous = false;
    let reason = "";
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      let token: string;
      try {
        token = await this.accessToken();
      } catch (error) {
        return this.failed(user.upn, (error as Error).message, attempt);
      }
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        ambiguous = true;
        reason = `network: ${networkReason(error)}`;
        if (attempt < this.options.maxAttempts) await this.options.wait(this.backoff(attempt));
        continue;
      }
      if (response.status === 201) {
        await response.body?.cancel();
        return "installed";
      }
      if (response.status === 409) {
        await response.body?.cancel();
        return ambiguous ? "installed" : "alreadyInstalled";
      }
      reason = `${response.status}${await graphError(response)}`;
      if (response.status === 401) this.token = undefined; // expired or revoked: a fresh one next time
      if (!RETRYABLE.has(response.status)) return this.failed(user.upn, reason, attempt);
      if (response.status !== 429) ambiguous = true;
      if (attempt < this.options.maxAttempts) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.options.now());
        await this.options.wait(Math.min(retryAfter ?? this.backoff(attempt), this.options.maxRetryAfterMs));
      }
    }
    return this.failed(user.upn, `gave up after ${this.options.maxAttempts} tries; last ${reason}`, this.options.maxAttempts);
  }

  private failed(upn: string, reason: string, attempts: number): "failed" {
    this.options.logger?.warn({ upn, attempts, reason: reason.slice(0, 300) }, "Teams app install failed");
    return "failed";
  }

  private backoff(attempt: number): number {
    return this.options.baseBackoffMs * 2 ** (attempt - 1);
  }

  /** An app-only token, cached until shortly before it expires; one request at a time. */
  private async accessToken(): Promise<string> {
    const now = this.options.now();
    if (this.token && this.token.expiresAt - TOKEN_RENEW_MS > now) return this.token.value;
    if (this.credentialFailure && this.credentialFailure.until > now) throw new Error(this.credentialFailure.reason);
    this.tokenRequest ??= this.requestToken().finally(() => (this.tokenRequest = undefined));
    return this.tokenRequest;
  }

  private async requestToken(): Promise<string> {
    try {
      const token = await this.credential.getToken(this.options.scope);
      if (!token?.token) throw new Error("the credential returned no token");
      this.token = { value: token.token, expiresAt: token.expiresOnTimestamp };
      this.credentialFailure = undefined;
      return token.token;
    } catch (error) {
      // @azure/identity errors name the tenant/client and the AAD error code, never the secret or a token.
      const e = error as Error;
      const reason = `token: ${e.name}: ${firstLine(e.message)}`.slice(0, 300);
      this.credentialFailure = { reason, until: this.options.now() + this.options.credentialFailureMs };
      this.options.logger?.warn({ reason }, "no Microsoft Graph token");
      throw new Error(reason);
    }
  }
}

/** `: code: message` from a Graph error body, or "" (the body is never trusted to be JSON). */
async function graphError(response: Response): Promise<string> {
  try {
    const text = (await response.text()).slice(0, 4_000);
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof parsed.error?.code === "string" ? parsed.error.code : undefined;
    const message = typeof parsed.error?.message === "string" ? firstLine(parsed.error.message) : undefined;
    return [code, message]
      .filter(Boolean)
      .map((part) => `: ${part}`)
      .join("")
      .slice(0, 250);
  } catch {
    return "";
  }
}

/** ECONNREFUSED, timeout, …: from the error fetch throws (it carries no header, so no token). */
function networkReason(error: unknown): string {
  const e = error as { name?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (e?.name === "TimeoutError") return "timeout";
  if (typeof e?.cause?.code === "string") return e.cause.code;
  if (typeof e?.cause?.message === "string") return firstLine(e.cause.message).slice(0, 100);
  return typeof e?.name === "string" ? e.name : "error";
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0]!.trim();
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
