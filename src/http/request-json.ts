/**
 * Keys that, copied by a merge (Object.assign, a deep merge, a templating engine), replace a
 * prototype or reach the constructor. A Bot Framework activity never needs them.
 */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A JSON.parse reviver that drops those keys at every depth (returning undefined deletes one). */
export function withoutPrototypeKeys(key: string, value: unknown): unknown {
  return PROTOTYPE_KEYS.has(key) ? undefined : value;
}

/** JSON.parse for request bodies: the same values, minus `__proto__`, `constructor` and `prototype` keys. */
export function parseRequestJson(text: string): unknown {
  return JSON.parse(text, withoutPrototypeKeys);
}
