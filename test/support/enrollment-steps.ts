/**
 * The enrollment journey as test steps over HTTP: each takes the card on screen, presses
 * its button the way Teams would (the action's data merged with the inputs) and checks
 * that the next step's card came back.
 */
import { expect } from "vitest";
import {
  actionData,
  currentTotp,
  flowIdOf,
  inputIds,
  parseOtpauth,
  qrTextOf,
  smsCodeIn,
  type Card,
  type OutboxWatch,
  type Sms,
} from "./cards.js";
import type { InvokeResult, TeamsUser } from "./teams-user.js";

export const DEMO_PASSWORD = "Passw0rd!";

/** Presses `verb` on `card` with these inputs; expects a 200 invoke response carrying a card. */
export async function press(
  user: TeamsUser,
  card: Card,
  verb: string,
  inputs: Record<string, unknown> = {},
  botUrl?: string,
): Promise<Card> {
  const result = await user.press(verb, { ...actionData(card, verb), ...inputs }, botUrl);
  expectCardResponse(result);
  return result.card;
}

export function expectCardResponse(result: InvokeResult): void {
  expect(result.status).toBe(200);
  expect(result.body.statusCode).toBe(200);
  expect(result.body.type).toBe("application/vnd.microsoft.card.adaptive");
  expect(result.card.type).toBe("AdaptiveCard");
}

/** "hej" → the welcome card, sent through the connector as a reply. */
export async function greet(user: TeamsUser, text = "hej", botUrl?: string): Promise<Card> {
  const result = await user.say(text, botUrl);
  expect(result.status).toBe(200);
  expect(result.cards).toHaveLength(1);
  return result.cards[0]!;
}

export async function startFlow(user: TeamsUser, welcome: Card, botUrl?: string): Promise<Card> {
  const identity = await press(user, welcome, "enroll.start", {}, botUrl);
  expect(inputIds(identity)).toEqual(["username", "password"]);
  return identity;
}

export interface SmsStep {
  card: Card;
  sms: Sms;
  code: string;
}

/** Username + password → the SMS card; the code is read from the outbox. */
export async function passIdentity(
  user: TeamsUser,
  identity: Card,
  outbox: OutboxWatch,
  password = DEMO_PASSWORD,
  botUrl?: string,
): Promise<SmsStep> {
  let card = await press(user, identity, "enroll.identity", { username: user.person.login, password }, botUrl);
  expect(inputIds(card)).toEqual(["smsCode"]);
  let sent = outbox.take();
  const cooldown = /(\d+) (sekunder|seconds)/.exec(JSON.stringify(card));
  if (sent.length === 0 && cooldown) {
    // A code was sent to this user less than the cooldown ago (an earlier enrollment): wait it out, as a user would.
    await new Promise((resolve) => setTimeout(resolve, (Number(cooldown[1]) + 1) * 1000));
    card = await press(user, card, "enroll.resendSms", {}, botUrl);
    sent = outbox.take();
  }
  expect(sent).toHaveLength(1);
  const sms = sent[0]!;
  return { card, sms, code: smsCodeIn(sms.text) };
}

export async function passSms(user: TeamsUser, smsCard: Card, code: string, botUrl?: string): Promise<Card> {
  const device = await press(user, smsCard, "enroll.sms", { smsCode: code }, botUrl);
  expect(inputIds(device)).toEqual(["deviceName"]);
  return device;
}

export interface QrStep {
  card: Card;
  uri: string;
  secret: string;
}

export async function passDevice(user: TeamsUser, deviceCard: Card, deviceName = "Jobbmobil", botUrl?: string): Promise<QrStep> {
  const card = await press(user, deviceCard, "enroll.device", { deviceName }, botUrl);
  expect(inputIds(card)).toEqual(["totpCode"]);
  const uri = qrTextOf(card);
  const parsed = parseOtpauth(uri);
  expect(parsed.type).toBe("totp");
  expect(parsed.secret).toMatch(/^[A-Z2-7]{32}$/);
  return { card, uri, secret: parsed.secret };
}

/** Types the code the app shows now; expects the done card (no inputs, no QR left). */
export async function confirmCode(user: TeamsUser, qrCard: Card, secret: string, botUrl?: string): Promise<{ card: Card; code: string }> {
  const code = currentTotp(secret);
  const card = await press(user, qrCard, "enroll.confirm", { totpCode: code }, botUrl);
  expect(inputIds(card)).toEqual([]);
  expect(JSON.stringify(card)).not.toContain("data:image/png");
  return { card, code };
}

export interface Enrollment {
  flowId: string;
  smsCode: string;
  sms: Sms;
  uri: string;
  secret: string;
  totpCode: string;
  cards: { welcome: Card; identity: Card; sms: Card; device: Card; qr: Card; done: Card };
}

/**
 * A whole enrollment. With several bot URLs, the turns alternate between them
 * (instances behind a load balancer).
 */
export async function enroll(
  user: TeamsUser,
  outbox: OutboxWatch,
  options: { botUrls?: string[]; deviceName?: string; password?: string } = {},
): Promise<Enrollment> {
  const urls = options.botUrls ?? [user.botUrl];
  let turn = 0;
  const next = (): string => urls[turn++ % urls.length]!;
  const welcome = await greet(user, "hej", next());
  const identity = await startFlow(user, welcome, next());
  const flowId = flowIdOf(identity);
  const sms = await passIdentity(user, identity, outbox, options.password ?? DEMO_PASSWORD, next());
  const device = await passSms(user, sms.card, sms.code, next());
  const qr = await passDevice(user, device, options.deviceName, next());
  const done = await confirmCode(user, qr.card, qr.secret, next());
  return {
    flowId,
    smsCode: sms.code,
    sms: sms.sms,
    uri: qr.uri,
    secret: qr.secret,
    totpCode: done.code,
    cards: { welcome, identity, sms: sms.card, device, qr: qr.card, done: done.card },
  };
}
