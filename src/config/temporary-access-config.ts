import { defaultTemporaryAccessPolicy, type TemporaryAccessPolicy } from "../features/validation/temporary-access-policy.js";
import type { Config } from "./load-config.js";

/** TEMP_ACCESS_* for the bot (which issues codes) and the validation service (which accepts them). */
export function temporaryAccessPolicyFrom(config: Config): TemporaryAccessPolicy {
  return { ...defaultTemporaryAccessPolicy, hours: config.TEMP_ACCESS_HOURS, reusable: config.TEMP_ACCESS_REUSABLE };
}
