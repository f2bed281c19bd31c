import { isLoopbackHost } from "./loopback.js";

/**
 * The one rule for every URL the bot sends something to (a token, SMS codes, ticket cards)
 * or sends people to: TLS, except plain http:// to this machine (a local stand-in in tests).
 */
export function isTlsOrLoopbackUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === "https:" || (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname));
}

/**
 * Null when `url` follows the rule, else the problem naming the setting. Only the scheme
 * and host are echoed: a path, query or user info can hold a key or a password.
 */
export function urlSettingProblem(name: string, url: string | undefined, why: string): string | null {
  if (url === undefined || isTlsOrLoopbackUrl(url)) return null;
  let shown = "not a URL";
  try {
    const { protocol, host } = new URL(url);
    shown = `${protocol}//${host}`;
  } catch {
    // the schema already refused it; keep the message short
  }
  return `${name}: must be https:// (${why}; plain http:// only on loopback, for a local stand-in), is ${shown}`;
}
