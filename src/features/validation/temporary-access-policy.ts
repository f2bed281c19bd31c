/** TEMP_ACCESS_HOURS and TEMP_ACCESS_REUSABLE. */
export interface TemporaryAccessPolicy {
  /** How long a code is valid (1 to 72 hours). */
  hours: number;
  /** Usable again within its lifetime; single use when false (the default). */
  reusable: boolean;
  /** Wrong tries that end a grant (each counted before it is compared). */
  maxFailures: number;
}

export const defaultTemporaryAccessPolicy: TemporaryAccessPolicy = { hours: 8, reusable: false, maxFailures: 10 };
