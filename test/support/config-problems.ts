import { ConfigError, loadConfig } from "../../src/config/load-config.js";

/** What loadConfig refuses in `env` (empty when it starts). */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
