/** Opening ldapts clients safely: TLS always verified, StartTLS before any bind, one socket per client. */
import { isIP, connect as netConnect } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { Client } from "ldapts";
import type { TransportPlan } from "./ldap-directory-options.js";

export interface ConnectionSettings {
  url: string;
  plan: TransportPlan;
  caPem?: string;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
}

function tlsOptions(settings: ConnectionSettings): ConnectionOptions {
  const { host } = settings.plan;
  return {
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
    ...(settings.caPem ? { ca: settings.caPem } : {}),
    // SNI must not be an IP address; hostname verification uses `host` either way.
    ...(isIP(host) ? { host } : { host, servername: host }),
  };
}

/**
 * ldapts silently reconnects a dropped client on the next operation, unbound and (after
 * StartTLS) unencrypted. Each client here may open exactly one socket: a second attempt fails,
 * and the owner opens a fresh, properly secured and bound client instead.
 */
function oneShot<F extends (...args: never[]) => unknown>(create: F): F {
  let used = false;
  return ((...args: Parameters<F>) => {
    if (used) throw new Error("LDAP connection was closed; not reconnecting this client");
    used = true;
    return create(...args);
  }) as F;
}

function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`LDAP connection not established within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Best-effort close that never throws. */
export async function closeQuietly(client: Client | undefined): Promise<void> {
  if (!client) return;
  try {
    await client.unbind();
  } catch {
    // The socket is destroyed by unbind() in any case.
  }
}

/**
 * A client connected (TLS established and, for StartTLS, upgraded) and bound as `bind`.
 * Throws the underlying error (the caller decides what it means).
 */
export async function openClient(settings: ConnectionSettings, bind: { dn: string; password: string }): Promise<Client> {
  const secureUrl = settings.plan.secure === "ldaps";
  const client = new Client({
    url: settings.url,
    timeout: settings.operationTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    ...(secureUrl
      ? { tlsOptions: tlsOptions(settings), createSecureConnection: oneShot(tlsConnect) }
      : { createConnection: oneShot(netConnect) }),
  });
  const establish = async (): Promise<Client> => {
    // ldaps:// handshakes (and verifies the certificate) when the first request opens the
    // socket, so no credential leaves before TLS is up; StartTLS must upgrade explicitly first.
    if (settings.plan.secure === "startTls") await client.startTLS(tlsOptions(settings));
    await client.bind(bind.dn, bind.password);
    return client;
  };
  try {
    return await withDeadline(establish(), settings.connectTimeoutMs + 2 * settings.operationTimeoutMs, () => {
      void closeQuietly(client);
    });
  } catch (error) {
    await closeQuietly(client);
    throw error;
  }
}
