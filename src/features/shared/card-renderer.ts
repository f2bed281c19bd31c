import { readFileSync } from "node:fs";
import { sep } from "node:path";
import * as ACData from "adaptivecards-templating";
import { LRUCache } from "lru-cache";
import { findAssetDir } from "../../config/asset-dir.js";
import { catalog, t, type Locale, type MessageKey } from "../../i18n/messages.js";
import type { Notice } from "../../ports/notice.js";
import { cardParams, cardT, type ParamKind, type Params } from "./card-text.js";

export const cardsDir = findAssetDir("cards", "welcome.json") + sep;
export const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";

export type CardJson = Record<string, unknown>;
const templates = new Map<string, ACData.Template>();

function template(name: string): ACData.Template {
  let cached = templates.get(name);
  if (!cached) {
    cached = new ACData.Template(JSON.parse(readFileSync(`${cardsDir}${name}.json`, "utf8")));
    templates.set(name, cached);
  }
  return cached;
}

/**
 * The catalog as `s.welcome_title`, placeholders filled: templates cannot call functions.
 * The values are made inert Markdown (cardParams: people's text unless `kinds` says otherwise).
 */
export function strings(locale: Locale, params: Params, kinds?: Partial<Record<string, ParamKind>>): Record<string, string> {
  // Keyed by the values as given and how each is bound: making them inert (escaping, defanging) is left to a miss.
  const key = `${locale}\n${JSON.stringify(params)}\n${kinds ? JSON.stringify(kinds) : ""}`;
  const known = builtStrings.get(key);
  if (known) return known;
  const inert = cardParams(params, kinds);
  const out: Record<string, string> = {};
  for (const name of Object.keys(catalog(locale)) as MessageKey[]) out[name.replace(/\./g, "_")] = t(locale, name, inert);
  builtStrings.set(key, Object.freeze(out));
  builtStringIds.set(out, nextStringsId++);
  return out;
}

/**
 * strings() answers by language and parameter values, so most cards (the same welcome,
 * identity and help texts for everybody) reuse one built object. They are shared, so frozen:
 * the templates only read them. Bounded, least recently used dropped first, and kept at most
 * 10 minutes (some carry a masked number, a login or a device name).
 */
const builtStrings = new LRUCache<string, Record<string, string>>({ max: 200, ttl: 10 * 60_000 });

/** A refusal or confirmation on a card; its placeholders' values are made inert (device names, …). */
export function noticeData(locale: Locale, notice?: Notice): { text: string; color: string } | null {
  if (!notice) return null;
  const list = notice.list?.length ? ` ${notice.list.map((key) => t(locale, key)).join(", ")}.` : "";
  return { text: cardT(locale, notice.key, notice.params) + list, color: notice.kind === "refusal" ? "Attention" : "Accent" };
}

/**
 * Expands a card template; every value the templates use must be present (tests check no `${` is left).
 * `reuse`: the card is built from strings() and plain JSON values only, so it is expanded once per
 * (template, strings, values) and shared (expandedCards below); a card with a QR never is.
 */
export function expandCard(name: string, data: Record<string, unknown>, options: { reuse?: boolean } = {}): CardJson {
  const { s, ...values } = data;
  const stringsId = s === undefined ? undefined : builtStringIds.get(s as object);
  const key =
    options.reuse && stringsId !== undefined && !("qrImage" in values) ? `${name}\n${stringsId}\n${JSON.stringify(values)}` : undefined;
  const known = key === undefined ? undefined : expandedCards.get(key);
  if (known) return known;
  const bound = s && typeof s === "object" && !(s instanceof Map) ? { ...data, s: asMap(s) } : data;
  const card = template(name).expand({ $root: bound }) as CardJson;
  if (key === undefined) return card;
  deepFreeze(card);
  expandedCards.set(key, card);
  return card;
}

/**
 * Expanded step cards by template, strings object and the other values as JSON: the same
 * identity card refused again, the same step card at each greeting. Evaluating a template's
 * expressions costs 0.1–0.5 ms a card; a hit costs the JSON of a few values (flow id, notice,
 * username, help article), which with the strings is all such a card depends on. A card with
 * a QR image and key is never kept. Shared, so frozen; bounded, and kept no longer than the
 * strings they were built from (they carry the same logins, masked numbers and device names).
 */
const expandedCards = new LRUCache<string, CardJson>({ max: 500, ttl: 10 * 60_000 });

/** An id per object strings() built (the strings are frozen, so the id stands for their content). */
const builtStringIds = new WeakMap<object, number>();
let nextStringsId = 0;

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/**
 * adaptive-expressions looks a property of a plain object up by scanning all its keys
 * case-insensitively (about 300 for the catalog, at every `${s.…}`), but a Map's by get()
 * first: the strings go to the template as a Map, made once per strings object.
 */
const stringMaps = new WeakMap<object, Map<string, unknown>>();

function asMap(strings: object): Map<string, unknown> {
  let map = stringMaps.get(strings);
  if (!map) {
    map = new Map(Object.entries(strings));
    stringMaps.set(strings, map);
  }
  return map;
}

/** A card with one text: a refusal or confirmation with no step or article to show it on. */
export function noticeCard(locale: Locale, notice: Notice): CardJson {
  const { text, color } = noticeData(locale, notice)!;
  return { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text, wrap: true, color }] };
}
