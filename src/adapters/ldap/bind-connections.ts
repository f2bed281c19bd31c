/**
 * Connections for checking users' passwords (a bind as the user), kept open between checks: a
 * check on an idle connection is one bind, not a TCP connect, a TLS handshake (ldaps or
 * StartTLS) and then the bind. At the enrollment's identity step and every password login that
 * was most of the check's cost, on both sides.
 *
 * A connection serves one check at a time and nothing but binds: the identity the last bind
 * left on it (the last user, or anonymous after a refused password) is never used for anything.
 * After a check it waits idle, at most `maxIdle` of them; one idle longer than `maxIdleMs` is
 * closed when next found rather than trusted (directories drop idle connections). A check on a
 * reused connection that fails in transport (it went stale) is tried once more on a fresh
 * connection; an answer (wrong password, locked…) is the answer, and the connection stays usable.
 */
import type { Client } from "ldapts";
import type { Clock } from "../../ports/clock.js";
import { closeQuietly, openClient, type ConnectionSettings } from "./ldap-connection.js";
import { isUnavailable } from "./ldap-errors.js";

interface Idle {
  client: Client;
  since: number;
}

export class BindConnections {
  private idle: Idle[] = [];
  private closed = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly clock: Clock,
    private readonly maxIdle = 8,
    private readonly maxIdleMs = 60_000,
  ) {}

  /** Binds as `dn` with `password`; resolves when the directory accepts it, else throws ldapts' error. */
  async bind(dn: string, password: string): Promise<void> {
    const reused = this.takeIdle();
    if (reused) {
      try {
        await reused.bind(dn, password);
        this.release(reused);
        return;
      } catch (error) {
        if (!isUnavailable(error)) {
          this.release(reused);
          throw error;
        }
        await closeQuietly(reused);
        // A stale connection (idle limit, server restart): the check itself is tried once more, fresh.
      }
    }
    // Connected, secured and bound in one, closed again if any of it fails (openClient).
    this.release(await openClient(this.settings, { dn, password }));
  }

  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle;
    this.idle = [];
    await Promise.all(idle.map(({ client }) => closeQuietly(client)));
  }

  private takeIdle(): Client | undefined {
    const now = this.clock.now().getTime();
    for (let entry = this.idle.pop(); entry; entry = this.idle.pop()) {
      if (now - entry.since < this.maxIdleMs) return entry.client;
      void closeQuietly(entry.client);
    }
    return undefined;
  }

  private release(client: Client): void {
    if (this.closed || this.idle.length >= this.maxIdle) void closeQuietly(client);
    else this.idle.push({ client, since: this.clock.now().getTime() });
  }
}
