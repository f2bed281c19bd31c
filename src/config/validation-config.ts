import type { Config } from "./load-config.js";
import { isLoopbackHost } from "./loopback.js";

/**
 * What the validation service needs beyond the shared settings, checked when it starts (the
 * bot does not need these). Each problem names the variable and why.
 */
export function validationConfigProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.localMode && !config.RADIUS_CLIENTS_FILE) {
    problems.push(
      "RADIUS_CLIENTS_FILE: required in production (the NetScaler addresses and their shared secrets); only local mode generates a loopback client",
    );
  }
  if (config.VALIDATE_HTTP_PORT !== undefined) {
    if (!config.VALIDATE_API_TOKEN)
      problems.push("VALIDATE_API_TOKEN: required when VALIDATE_HTTP_PORT is set (callers send it as a bearer token)");
    if (config.localMode && !isLoopbackHost(config.VALIDATE_HTTP_HOST)) {
      problems.push(
        `VALIDATE_HTTP_HOST: is ${config.VALIDATE_HTTP_HOST}, but outside production POST /api/validate is served on loopback only`,
      );
    }
  }
  return problems;
}
