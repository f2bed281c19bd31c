/**
 * The RADIUS listener in-process on 127.0.0.1, driven by FreeRADIUS radclient (a real NAS
 * stand-in that checks our authenticators) and by raw UDP datagrams for what radclient
 * cannot send. "No answer" is asserted without waiting on the clock where we can: a good
 * request sent after the bad ones is answered, and nothing else was (the listener drops
 * synchronously, in arrival order).
 */
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { Writable } from "node:stream";
import { pino } from "pino";
import radius from "radius";
import { afterEach, describe, expect, it } from "vitest";
import type { ValidationReason } from "../../src/features/validation/validator.js";
import type { RadiusMode } from "../../src/radius/login-modes.js";
import type { RadiusClient } from "../../src/radius/radius-clients.js";
import { RadiusCode } from "../../src/radius/radius-packet.js";
import { rejectText } from "../../src/radius/radius-replies.js";
import { encodeResponse } from "../../src/radius/radius-response.js";
import { startRadiusServer, type RadiusServer } from "../../src/radius/radius-server.js";
import { FakeClock } from "../unit/fakes.js";
import { radclient } from "../support/radclient.js";
import { accessRequest, RawRadiusClient, responseMessageAuthenticatorIsValid } from "../support/radius-packets.js";
import { GOOD_CODE, GOOD_PASSWORD, StubValidator } from "../support/radius-stub-validator.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";

const radclientPath = requireBinaryOrSkip("radclient");

const SECRET = "radius-test-secret-xyzzy-plugh";
/** Every log line of the suite, checked at the end for the secret, passwords and codes. */
const logLines: string[] = [];

interface Harness {
  server: RadiusServer;
  validator: StubValidator;
  raw: RawRadiusClient;
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function start(
  options: { mode?: RadiusMode; clients?: RadiusClient[]; host?: string; max?: number; clock?: FakeClock } = {},
): Promise<Harness> {
  const validator = new StubValidator();
  const logger = pino({ level: "debug" }, new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }));
  const server = await startRadiusServer({
    host: options.host ?? "127.0.0.1",
    port: 0,
    clients: options.clients ?? [{ name: "nsg-test", address: "127.0.0.1", secret: SECRET, requireMessageAuthenticator: true }],
    mode: options.mode ?? "otp",
    validator,
    logger,
    maxRequestsPerClientPerSecond: options.max ?? 10_000,
    clock: options.clock,
  });
  open.push(server);
  const raw = await RawRadiusClient.open(server.port, options.host === "::1" ? "::1" : "127.0.0.1");
  open.push(raw);
  return { server, validator, raw };
}

const send = (port: number, lines: string[], secret = SECRET, timeout = 2) => radclient(radclientPath!, port, secret, lines, timeout);
const login = (user: string, password: string, extra: string[] = []) => [
  `User-Name = "${user}"`,
  `User-Password = "${password}"`,
  ...extra,
  "Message-Authenticator = 0x00",
];

function decode(response: Buffer) {
  return radius.decode({ packet: response, secret: SECRET });
}

/**
 * Sends `datagrams` from `from`, then a good request from `h.raw`: only the good one may be
 * answered, and the validator asked `evaluations` times for the bad ones.
 */
async function expectNoAnswer(h: Harness, datagrams: Buffer[], from: RawRadiusClient = h.raw, evaluations = 0): Promise<void> {
  const callsBefore = h.validator.calls.length;
  const receivedBefore = from.received.length;
  for (const datagram of datagrams) await from.send(datagram);
  const good = accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier: 250 });
  const answer = await h.raw.exchange(good);
  expect(decode(answer).code).toBe("Access-Accept");
  expect(from.received.slice(receivedBefore)).toEqual(from === h.raw ? [answer] : []);
  expect(h.validator.calls.length).toBe(callsBefore + evaluations + 1);
}

describe.skipIf(!radclientPath)("RADIUS listener, driven by FreeRADIUS radclient and raw datagrams", () => {
  it("answers a right code with Access-Accept carrying a Message-Authenticator radclient checked", async () => {
    const h = await start();
    const result = await send(h.server.port, login("alexw", GOOD_CODE));
    expect(result.received).toBe("Access-Accept");
    expect(result.attributes["Message-Authenticator"]).toMatch(/^0x[0-9a-f]{32}$/);
    expect(h.validator.calls).toEqual([
      { method: "checkCode", attempt: { userName: "alexw", client: "nsg-test", channel: "radius" }, code: GOOD_CODE },
    ]);
  });

  it("answers a wrong code with Access-Reject and the Swedish Reply-Message for the reason", async () => {
    const h = await start();
    const result = await send(h.server.port, login("alexw", "654321"));
    expect(result.received).toBe("Access-Reject");
    expect(result.attributes["Reply-Message"]).toBe("Fel kod. Vänta på nästa kod och försök igen.");
    const cases: [string, ValidationReason][] = [
      ["alexw", "wrongCode"],
      ["locked", "locked"],
      ["nobody", "noToken"],
    ];
    for (const [index, [user, reason]] of cases.entries()) {
      const response = await h.raw.exchange(accessRequest({ secret: SECRET, userName: user, password: "654321", identifier: index }));
      expect(decode(response).attributes["Reply-Message"]).toBe(rejectText(reason as Exclude<ValidationReason, "ok">));
    }
  });

  it("relies on radclient checking answers: one with a corrupted Message-Authenticator it refuses", async () => {
    // A stand-in server answering with our encoder, one bit of the MA flipped and the Response Authenticator redone.
    const fake = createSocket("udp4");
    open.push({ close: () => new Promise<void>((resolve) => fake.close(() => resolve())) });
    fake.on("message", (request, from) => {
      const requestAuthenticator = request.subarray(4, 20);
      const response = encodeResponse({
        code: RadiusCode.AccessAccept,
        identifier: request[1]!,
        requestAuthenticator,
        secret: SECRET,
        attributes: [],
        proxyStates: [],
      });
      response[22]! ^= 1;
      requestAuthenticator.copy(response, 4);
      createHash("md5").update(response).update(SECRET).digest().copy(response, 4);
      fake.send(response, from.port, from.address);
    });
    await new Promise<void>((resolve) => fake.bind(0, "127.0.0.1", resolve));
    const result = await send(fake.address().port, login("alexw", GOOD_CODE), SECRET, 1);
    expect(result.received).toBeUndefined();
    expect(result.output).toContain("invalid Message-Authenticator");
  });

  it("gives responses whose Response Authenticator and Message-Authenticator the radius package verifies", async () => {
    const h = await start();
    for (const [identifier, password] of [
      [1, GOOD_CODE],
      [2, "000000"],
    ] as const) {
      const request = accessRequest({ secret: SECRET, userName: "alexw", password, identifier });
      const response = await h.raw.exchange(request);
      expect(radius.verify_response({ request, response, secret: SECRET })).toBe(true);
      expect(responseMessageAuthenticatorIsValid(response, request, SECRET)).toBe(true);
      expect(response[20]).toBe(80);
    }
  });

  it("copies Proxy-State into the answer", async () => {
    const h = await start();
    const request = accessRequest({
      secret: SECRET,
      userName: "alexw",
      password: GOOD_CODE,
      extra: [
        ["Proxy-State", Buffer.from("hop-1")],
        ["Proxy-State", Buffer.from("hop-2")],
      ],
    });
    const response = decode(await h.raw.exchange(request));
    expect(response.raw_attributes.filter(([type]) => type === 33).map(([, value]) => value.toString())).toEqual(["hop-1", "hop-2"]);
  });

  it("passes UPN and DOMAIN\\login user names to the validator unchanged", async () => {
    const h = await start();
    expect((await send(h.server.port, login("AlexW@Region.Example", GOOD_CODE))).received).toBe("Access-Accept");
    await h.raw.exchange(accessRequest({ secret: SECRET, userName: "REGION\\alexw", password: GOOD_CODE, identifier: 3 }));
    expect(h.validator.calls.map((call) => call.attempt.userName)).toEqual(["AlexW@Region.Example", "REGION\\alexw"]);
  });

  it("does not answer an address that is no configured client", async () => {
    const h = await start({ clients: [{ name: "elsewhere", address: "127.0.0.2/32", secret: SECRET, requireMessageAuthenticator: true }] });
    const result = await send(h.server.port, login("alexw", GOOD_CODE), SECRET, 1);
    expect(result.received).toBeUndefined();
    expect(result.output).toContain("No reply from server");
    expect(h.validator.calls).toEqual([]);
    expect(logLines.some((line) => line.includes('"drop":"unknownClient"') && line.includes('"address":"127.0.0.1"'))).toBe(true);
  });

  it("does not answer a datagram from 127.0.0.2 when only 127.0.0.1 is a client", async () => {
    const h = await start();
    const stranger = await RawRadiusClient.open(h.server.port, "127.0.0.2");
    open.push(stranger);
    await expectNoAnswer(h, [accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier: 9 })], stranger);
  });

  it("does not answer a request under the wrong secret (its Message-Authenticator fails)", async () => {
    const h = await start();
    const result = await send(h.server.port, login("alexw", GOOD_CODE), "the-wrong-secret-entirely", 1);
    expect(result.received).toBeUndefined();
    await expectNoAnswer(h, [
      accessRequest({ secret: "the-wrong-secret-entirely", userName: "alexw", password: GOOD_CODE, identifier: 9 }),
    ]);
  });

  it("does not answer a request without Message-Authenticator when the client requires one", async () => {
    const h = await start();
    const result = await send(h.server.port, [`User-Name = "alexw"`, `User-Password = "${GOOD_CODE}"`], SECRET, 1);
    expect(result.received).toBeUndefined();
    await expectNoAnswer(h, [
      accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier: 9, messageAuthenticator: false }),
    ]);
  });

  it("answers one without when the client allows it, and the answer still has a Message-Authenticator", async () => {
    const h = await start({ clients: [{ name: "old-nas", address: "127.0.0.1", secret: SECRET, requireMessageAuthenticator: false }] });
    const result = await send(h.server.port, [`User-Name = "alexw"`, `User-Password = "${GOOD_CODE}"`]);
    expect(result.received).toBe("Access-Accept");
    expect(result.attributes["Message-Authenticator"]).toMatch(/^0x[0-9a-f]{32}$/);
    const request = accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier: 4, messageAuthenticator: false });
    const response = await h.raw.exchange(request);
    expect(responseMessageAuthenticatorIsValid(response, request, SECRET)).toBe(true);
    expect(radius.verify_response({ request, response, secret: SECRET })).toBe(true);
  });

  it("drops malformed datagrams and keeps answering good ones", async () => {
    const h = await start();
    const good = accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier: 11 });
    const wrongLength = Buffer.from(good);
    wrongLength.writeUInt16BE(good.length + 40, 2);
    const badAttribute = Buffer.from(good);
    badAttribute[21] = 1;
    const pastTheEnd = Buffer.from(good);
    pastTheEnd[21] = 250;
    const twoAuthenticators = Buffer.concat([good, good.subarray(good.length - 18)]);
    twoAuthenticators.writeUInt16BE(twoAuthenticators.length, 2);
    const accounting = radius.encode({ code: "Accounting-Request", secret: SECRET, identifier: 12, attributes: [["User-Name", "alexw"]] });
    let seed = 7;
    const random = Array.from({ length: 50 }, (_, i) =>
      Buffer.from(Array.from({ length: 1 + ((i * 37) % 200) }, () => (seed = (seed * 75 + 74) % 65537) % 256)),
    );
    await expectNoAnswer(h, [
      Buffer.alloc(0),
      Buffer.alloc(19, 1),
      wrongLength,
      badAttribute,
      pastTheEnd,
      twoAuthenticators,
      accounting,
      Buffer.alloc(5000),
      ...random,
    ]);
    expect(logLines.some((line) => line.includes('"drop":"malformed"'))).toBe(true);
  });

  it("answers a retransmission with the same bytes without asking the validator again", async () => {
    const h = await start();
    const request = accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier: 21 });
    const first = await h.raw.exchange(request);
    const second = await h.raw.exchange(request);
    expect(second.equals(first)).toBe(true);
    expect(h.validator.calls.length).toBe(1);
    // The same Identifier with a new Request Authenticator is a new request.
    await h.raw.exchange(accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier: 21 }));
    expect(h.validator.calls.length).toBe(2);
  });

  it("lets a retransmission that arrives during the evaluation wait for the same answer", async () => {
    const h = await start();
    const request = accessRequest({ secret: SECRET, userName: "slow", password: GOOD_CODE, identifier: 22 });
    const evaluating = h.validator.nextCall();
    await h.raw.send(request);
    await evaluating;
    await h.raw.send(request);
    h.validator.releaseSlow();
    const [first, second] = [await h.raw.answerTo(22, 1), await h.raw.answerTo(22, 2)];
    expect(second.equals(first)).toBe(true);
    expect(decode(first).code).toBe("Access-Accept");
    expect(h.validator.calls.length).toBe(1);
  });

  it("answers nothing when the validator fails, also to the retransmission, and keeps serving", async () => {
    const h = await start();
    const request = accessRequest({ secret: SECRET, userName: "boom", password: GOOD_CODE, identifier: 23 });
    await expectNoAnswer(h, [request, request], h.raw, 1);
    expect(h.validator.calls.filter((call) => call.attempt.userName === "boom").length).toBe(1);
    expect(logLines.some((line) => line.includes("RADIUS login not answered") && line.includes("database unavailable"))).toBe(true);
  });

  it("over the per-client ceiling answers Access-Reject (throttled) without asking the validator", async () => {
    const h = await start({ max: 2, clock: new FakeClock() });
    const answers = [];
    for (const identifier of [31, 32, 33])
      answers.push(decode(await h.raw.exchange(accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier }))));
    expect(answers.map((answer) => answer.code)).toEqual(["Access-Accept", "Access-Accept", "Access-Reject"]);
    expect(answers[2]!.attributes["Reply-Message"]).toBe(rejectText("throttled"));
    expect(h.validator.calls.length).toBe(2);
  });

  it("password+otp: splits the AD password from the six digits at the end", async () => {
    const h = await start({ mode: "password+otp" });
    expect((await send(h.server.port, login("alexw", GOOD_PASSWORD + GOOD_CODE))).received).toBe("Access-Accept");
    expect((await send(h.server.port, login("alexw", "wrong-password" + GOOD_CODE))).received).toBe("Access-Reject");
    const missingCode = decode(
      await h.raw.exchange(accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_PASSWORD, identifier: 41 })),
    );
    expect(missingCode.code).toBe("Access-Reject");
    expect(missingCode.attributes["Reply-Message"]).toBe(rejectText("badRequest"));
    expect(h.validator.calls).toEqual([
      {
        method: "checkPasswordAndCode",
        attempt: { userName: "alexw", client: "nsg-test", channel: "radius" },
        password: GOOD_PASSWORD,
        code: GOOD_CODE,
      },
      {
        method: "checkPasswordAndCode",
        attempt: { userName: "alexw", client: "nsg-test", channel: "radius" },
        password: "wrong-password",
        code: GOOD_CODE,
      },
    ]);
  });

  it("challenge: the password gets Access-Challenge with a State, the code with that State gets Access-Accept", async () => {
    const h = await start({ mode: "challenge" });
    const first = await send(h.server.port, login("alexw", GOOD_PASSWORD));
    expect(first.received).toBe("Access-Challenge");
    expect(first.attributes["State"]).toBe(`0x${Buffer.from("state-1").toString("hex")}`);
    expect(first.attributes["Session-Timeout"]).toBe("120");
    expect(first.attributes["Reply-Message"]).toBe("Ange engångskoden från Microsoft Authenticator.");
    const second = await send(h.server.port, login("alexw", GOOD_CODE, [`State = ${first.attributes["State"]}`]));
    expect(second.received).toBe("Access-Accept");
    // The State is single-use: the same answer again is refused.
    const again = await send(h.server.port, login("alexw", GOOD_CODE, [`State = ${first.attributes["State"]}`]));
    expect(again.received).toBe("Access-Reject");
    expect(h.validator.calls.map((call) => call.method)).toEqual(["startChallenge", "answerChallenge", "answerChallenge"]);
    expect(h.validator.calls[1]).toMatchObject({ state: "state-1", code: GOOD_CODE });

    const wrong = decode(await h.raw.exchange(accessRequest({ secret: SECRET, userName: "alexw", password: "wrong", identifier: 52 })));
    expect(wrong.code).toBe("Access-Reject");
    expect(wrong.attributes["Reply-Message"]).toBe(rejectText("wrongPassword"));
  });

  it("listens on IPv6 loopback with a udp6 socket", async () => {
    const h = await start({ host: "::1", clients: [{ name: "v6", address: "::1", secret: SECRET, requireMessageAuthenticator: true }] });
    const response = await h.raw.exchange(accessRequest({ secret: SECRET, userName: "alexw", password: GOOD_CODE, identifier: 61 }));
    expect(decode(response).code).toBe("Access-Accept");
    expect(h.validator.calls[0]?.attempt.client).toBe("v6");
  });

  it("logged one line per answered login, and never the secret, a password or a code", () => {
    const all = logLines.join("");
    expect(all).toContain('"msg":"RADIUS login answered"');
    expect(all).toMatch(/"client":"nsg-test","user":"alexw","outcome":"reject","reason":"wrongCode"/);
    for (const secretValue of [SECRET, GOOD_PASSWORD, GOOD_CODE, "654321", "wrong-password", "the-wrong-secret-entirely"]) {
      expect(all).not.toContain(secretValue);
    }
  });
});
