import { isIP } from "node:net";

/** True for this machine only: localhost, 127.0.0.0/8 and ::1 (also as "[::1]", a URL's hostname). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || (isIP(bare) === 4 && bare.startsWith("127."));
}
