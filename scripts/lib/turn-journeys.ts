/**
 * What one person does in `npm run bench:turns`, timed turn by turn: a full enrollment
 * against the product (hej → start → identity → SMS code → device → first code, six turns,
 * each checked to reach its next card), or the same six activities against the echo bot.
 */
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { actionData, currentTotp, inputIds, smsCodeIn, type Card } from "../../test/support/cards.js";
import type { ConnectorStandIn } from "../../test/support/connector-stand-in.js";
import { TeamsUser } from "../../test/support/teams-user.js";
import { BENCH_PASSWORD, type BenchPerson } from "./bench-directory.js";

export type BotKind = "product" | "echo";

/** The SMS codes the product wrote to its local outbox ($DATA_DIR/sms-outbox.jsonl), by number. */
export class OutboxCodes {
  private read = 0;
  private readonly codes = new Map<string, string>();

  constructor(private readonly dataDir: string) {}

  codeFor(mobile: string): string {
    const file = join(this.dataDir, "sms-outbox.jsonl");
    if (!this.codes.has(mobile) && existsSync(file)) {
      const text = readFileSync(file, "utf8");
      for (const line of text.slice(this.read).split("\n")) {
        if (!line.trim()) continue;
        const sms = JSON.parse(line) as { to: string; text: string };
        this.codes.set(sms.to, smsCodeIn(sms.text));
      }
      this.read = text.lastIndexOf("\n") + 1;
    }
    const code = this.codes.get(mobile);
    if (!code) throw new Error(`no SMS to ${mobile} in the outbox`);
    return code;
  }
}

export interface Target {
  kind: BotKind;
  url: string;
  /** The product's outbox (undefined for the echo bot). */
  outbox?: OutboxCodes;
}

/** Milliseconds per turn, appended as the turns finish, and per step ("hej", "enroll.start", …). */
export class Timings {
  readonly all: number[] = [];
  readonly byStep = new Map<string, number[]>();

  add(step: string, ms: number): void {
    this.all.push(ms);
    const list = this.byStep.get(step) ?? [];
    list.push(ms);
    this.byStep.set(step, list);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed<T>(timings: Timings, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  timings.add(step, performance.now() - started);
  return result;
}

function expectInputs(card: Card, expected: string[], step: string): Card {
  const found = inputIds(card);
  if (found.join() !== expected.join()) throw new Error(`${step}: expected inputs [${expected}], got [${found}]`);
  return card;
}

/** The manual-entry key of the QR card ("ABCD EFGH …"), cheaper to read than decoding the PNG. */
function manualKeyOf(card: Card): string {
  const key = /"text":"((?:[A-Z2-7]{4} ){7}[A-Z2-7]{4})"/.exec(JSON.stringify(card))?.[1];
  if (!key) throw new Error("the QR card shows no manual key");
  return key.replace(/ /g, "");
}

/** One person's enrollment, `think()` ms between turns; returns when the done card is shown. */
export async function enrollOnce(
  target: Target,
  person: BenchPerson,
  connector: ConnectorStandIn,
  timings: Timings,
  think: () => number,
): Promise<void> {
  const user = new TeamsUser(person, connector, target.url);
  const pause = () => sleep(think());
  if (target.kind === "echo") {
    await timed(timings, "hej", () => user.say("hej"));
    for (const [verb, data] of [
      ["enroll.start", {}],
      ["enroll.identity", { username: person.login, password: BENCH_PASSWORD }],
      ["enroll.sms", { smsCode: "123456" }],
      ["enroll.device", { deviceName: "Jobbmobil" }],
      ["enroll.confirm", { totpCode: "123456" }],
    ] as const) {
      await pause();
      const { status } = await timed(timings, verb, () => user.press(verb, data));
      if (status !== 200) throw new Error(`echo ${verb}: HTTP ${status}`);
    }
    return;
  }
  const press = async (card: Card, verb: string, inputs: Record<string, unknown>, next: string[]): Promise<Card> => {
    await pause();
    const result = await timed(timings, verb, () => user.press(verb, { ...actionData(card, verb), ...inputs }));
    if (result.status !== 200) throw new Error(`${verb}: HTTP ${result.status}`);
    return expectInputs(result.card, next, verb);
  };
  const hello = await timed(timings, "hej", () => user.say("hej"));
  const welcome = hello.cards[0];
  if (!welcome) throw new Error(`hej: no card (${hello.texts.join(" ")})`);
  const identity = await press(welcome, "enroll.start", {}, ["username", "password"]);
  const sms = await press(identity, "enroll.identity", { username: person.login, password: BENCH_PASSWORD }, ["smsCode"]);
  const device = await press(sms, "enroll.sms", { smsCode: target.outbox!.codeFor(person.mobile) }, ["deviceName"]);
  const qr = await press(device, "enroll.device", { deviceName: "Jobbmobil" }, ["totpCode"]);
  await press(qr, "enroll.confirm", { totpCode: currentTotp(manualKeyOf(qr)) }, []);
}

/**
 * A person at the identity step, for the invoke turns: their identity card (with its flow
 * id), so an empty password can be pressed again and again (refused, nothing changes).
 */
export async function identityCard(
  target: Target,
  person: BenchPerson,
  connector: ConnectorStandIn,
): Promise<{ user: TeamsUser; card: Card }> {
  const user = new TeamsUser(person, connector, target.url);
  if (target.kind === "echo") return { user, card: {} };
  const welcome = (await user.say("hej")).cards[0];
  if (!welcome) throw new Error("hej: no welcome card");
  const started = await user.press("enroll.start", actionData(welcome, "enroll.start"));
  return { user, card: expectInputs(started.card, ["username", "password"], "enroll.start") };
}

/** The refused identity card: the caller's own username and an empty password. */
export function refusedIdentity(person: BenchPerson, card: Card): Record<string, unknown> {
  const data = inputIds(card).length > 0 ? actionData(card, "enroll.identity") : {};
  return { ...data, username: person.login, password: "" };
}
