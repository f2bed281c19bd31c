/**
 * Keys that, copied by a merge (Object.assign, a deep merge, a templating engine), replace a
 * prototype or reach the constructor. A Bot Framework activity never needs them.
 */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A JSON.parse reviver that drops those keys at every depth (returning undefined deletes one). */
export function withoutPrototypeKeys(key: string, value: unknown): unknown {
  return PROTOTYPE_KEYS.has(key) ? undefined : value;
}

/**
 * A body that could hold one of those keys: it is spelled out, or hidden behind a \u escape
 * (the only JSON escape that can spell a letter). Anything else cannot contain them.
 */
const MAYBE_PROTOTYPE_KEY = /__proto__|constructor|prototype|\\u/;

/** JSON.parse for request bodies: the same values, minus `__proto__`, `constructor` and `prototype` keys. */
export function parseRequestJson(text: string): unknown {
  // The reviver costs several times the parse; only a body that could need it pays for it.
  return MAYBE_PROTOTYPE_KEY.test(text) ? JSON.parse(text, withoutPrototypeKeys) : JSON.parse(text);
}
