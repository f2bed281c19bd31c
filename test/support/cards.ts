/**
 * Reading what the bot shows: Adaptive Card JSON (texts, Action.Execute buttons, the QR
 * image decoded back to its otpauth URI) and the local-mode SMS outbox.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import jsQRImport from "jsqr";
import { generateSync } from "otplib";
import { PNG } from "pngjs";

// jsqr is CommonJS: under NodeNext its types make the default import the module object,
// while at run time it is the function itself. Accept both.
const jsQR = ((jsQRImport as unknown as { default?: unknown }).default ?? jsQRImport) as typeof jsQRImport.default;

export type Card = Record<string, unknown>;

export interface ExecuteAction {
  verb: string;
  data: Record<string, unknown>;
}

function walk(node: unknown, visit: (obj: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (node && typeof node === "object") {
    visit(node as Record<string, unknown>);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

export function executeActions(card: Card): ExecuteAction[] {
  const found: ExecuteAction[] = [];
  walk(card, (obj) => {
    if (obj.type === "Action.Execute" && typeof obj.verb === "string") {
      found.push({ verb: obj.verb, data: (obj.data ?? {}) as Record<string, unknown> });
    }
  });
  return found;
}

export function verbsOf(card: Card): string[] {
  return executeActions(card).map((a) => a.verb);
}

/** The data of the card's button with this verb (throws when the card has none). */
export function actionData(card: Card, verb: string): Record<string, unknown> {
  const action = executeActions(card).find((a) => a.verb === verb);
  if (!action) throw new Error(`card has no ${verb} button (it has ${verbsOf(card).join(", ") || "none"}): ${cardText(card)}`);
  return action.data;
}

/** The flow id printed into the card's Action.Execute data. */
export function flowIdOf(card: Card): string {
  const flowId = executeActions(card)
    .map((a) => a.data.flowId)
    .find((id) => typeof id === "string" && id !== "");
  if (typeof flowId !== "string") throw new Error(`card carries no flowId: ${cardText(card)}`);
  return flowId;
}

/** Every TextBlock text (and input label) of the card, joined by newlines. */
export function cardText(card: Card): string {
  const texts: string[] = [];
  walk(card, (obj) => {
    if (obj.type === "TextBlock" && typeof obj.text === "string") texts.push(obj.text);
    if (typeof obj.type === "string" && obj.type.startsWith("Input.") && typeof obj.label === "string") texts.push(obj.label);
  });
  return texts.join("\n");
}

/** The first TextBlock: every step card starts with its title. */
export function cardTitle(card: Card): string {
  const body = card.body as { type?: string; text?: string }[] | undefined;
  return body?.find((b) => b.type === "TextBlock")?.text ?? "";
}

/** Every FactSet fact in the card, title → value. */
export function cardFacts(card: Card): Record<string, string> {
  const facts: Record<string, string> = {};
  walk(card, (obj) => {
    if (typeof obj.title === "string" && typeof obj.value === "string" && !("type" in obj)) facts[obj.title] = obj.value;
  });
  return facts;
}

export function inputIds(card: Card): string[] {
  const ids: string[] = [];
  walk(card, (obj) => {
    if (typeof obj.type === "string" && obj.type.startsWith("Input.") && typeof obj.id === "string") ids.push(obj.id);
  });
  return ids;
}

/** Decodes the card's QR Image (a data:image/png;base64 URL) back to the text it encodes. */
export function qrTextOf(card: Card): string {
  let url: string | undefined;
  walk(card, (obj) => {
    if (obj.type === "Image" && typeof obj.url === "string" && obj.url.startsWith("data:image/png;base64,")) url ??= obj.url;
  });
  if (!url) throw new Error(`card has no PNG data: image: ${cardText(card)}`);
  const png = PNG.sync.read(Buffer.from(url.slice("data:image/png;base64,".length), "base64"));
  const decoded = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!decoded) throw new Error("the QR image could not be decoded");
  return decoded.data;
}

export interface OtpauthUri {
  uri: string;
  type: string;
  label: string;
  secret: string;
  params: URLSearchParams;
}

export function parseOtpauth(uri: string): OtpauthUri {
  const url = new URL(uri);
  if (url.protocol !== "otpauth:") throw new Error(`not an otpauth URI: ${uri}`);
  const secret = url.searchParams.get("secret") ?? "";
  return { uri, type: url.hostname, label: decodeURIComponent(url.pathname.slice(1)), secret, params: url.searchParams };
}

/** The code Microsoft Authenticator would show now for this secret. */
export function currentTotp(secret: string): string {
  return generateSync({ secret });
}

/** RFC 4648 base32 (no padding needed) to bytes. */
export function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export interface Sms {
  to: string;
  text: string;
  at: string;
}

/** The messages in $DATA_DIR/sms-outbox.jsonl (none when the file does not exist yet). */
export function readOutbox(dataDir: string): Sms[] {
  const file = join(dataDir, "sms-outbox.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Sms);
}

/** Watches the outboxes of one or more bot instances for messages sent from now on. */
export class OutboxWatch {
  private readonly seen: number[];

  constructor(private readonly dataDirs: string[]) {
    this.seen = dataDirs.map((dir) => readOutbox(dir).length);
  }

  /** Messages sent since the watch began (or since the last take). */
  take(): Sms[] {
    const fresh: Sms[] = [];
    this.dataDirs.forEach((dir, i) => {
      const all = readOutbox(dir);
      fresh.push(...all.slice(this.seen[i]));
      this.seen[i] = all.length;
    });
    return fresh.sort((a, b) => a.at.localeCompare(b.at));
  }
}

/** The six-digit code in an SMS text. */
export function smsCodeIn(text: string): string {
  const match = /\b(\d{6})\b/.exec(text);
  if (!match?.[1]) throw new Error(`no code in SMS: ${text}`);
  return match[1];
}
