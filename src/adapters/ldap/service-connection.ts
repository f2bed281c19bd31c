/**
 * The service account's connection, shared by all searches: opened and bound on first use,
 * replaced when it breaks (one retry for an operation that hit a stale connection).
 */
import type { Client } from "ldapts";
import { closeQuietly, openClient, type ConnectionSettings } from "./ldap-connection.js";
import type { LdapLogger } from "./ldap-directory-options.js";
import { isUnavailable, unavailable } from "./ldap-errors.js";

interface Slot {
  promise: Promise<Client>;
  client?: Client;
}

export class ServiceConnection {
  private slot?: Slot;
  private closed = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly credentials: { dn: string; password: string },
    private readonly logger: LdapLogger,
  ) {}

  /**
   * Runs `operation` on the bound service connection. Transport failures become
   * DirectoryUnavailableError; LDAP result errors (answers) are rethrown as they are.
   */
  async run<T>(what: string, operation: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw unavailable(what, new Error("directory adapter was closed"));
      const { slot, fresh } = this.acquire();
      let client: Client;
      try {
        client = await slot.promise;
      } catch (error) {
        this.discard(slot);
        throw unavailable(isUnavailable(error) ? "connect" : "service bind", error);
      }
      try {
        return await operation(client);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        this.discard(slot);
        // A reused connection may simply have gone stale (idle timeout, server restart): retry once.
        if (fresh || attempt > 1) throw unavailable(what, error);
        this.logger.warn({ err: describe(error), operation: what }, "LDAP connection broke; reconnecting");
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const slot = this.slot;
    this.slot = undefined;
    if (slot) await slot.promise.then(closeQuietly, () => undefined);
  }

  private acquire(): { slot: Slot; fresh: boolean } {
    const current = this.slot;
    // Pending, or open and still bound: share it.
    if (current && (!current.client || current.client.isBound)) return { slot: current, fresh: false };
    if (current) this.discard(current);
    const slot: Slot = { promise: Promise.resolve() as unknown as Promise<Client> };
    slot.promise = openClient(this.settings, this.credentials).then((client) => {
      slot.client = client;
      this.logger.info({ url: this.settings.url, transport: this.settings.plan.secure }, "LDAP service connection bound");
      return client;
    });
    slot.promise.catch(() => undefined);
    this.slot = slot;
    return { slot, fresh: true };
  }

  private discard(slot: Slot): void {
    if (this.slot === slot) this.slot = undefined;
    void slot.promise.then(closeQuietly, () => undefined);
  }
}

/** An error summary safe for logs (ldapts messages carry no credentials; keep them short). */
export function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: (error.message.split("\n")[0] ?? "").slice(0, 200) };
  return { name: typeof error, message: String(error).slice(0, 200) };
}
