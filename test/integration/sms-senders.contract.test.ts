/**
 * One contract for every SmsSender (the outbox, the HTTP gateway as 46elks and as Sinch, Azure
 * Communication Services through the real SDK), then each network sender against its API's
 * stand-in: 4xx, 5xx, 429, timeouts, wrong credentials, a partial failure. The text and the
 * number never reach a log line.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AcsSmsSender } from "../../src/adapters/sms/acs-sms-sender.js";
import { HttpSmsGateway, type HttpGatewaySettings } from "../../src/adapters/sms/http-sms-gateway.js";
import type { RetryPolicy } from "../../src/adapters/sms/send-with-retries.js";
import { SmsOutbox } from "../../src/adapters/sms/sms-outbox.js";
import { createLogger } from "../../src/adapters/logger.js";
import { SmsDeliveryError } from "../../src/features/shared/errors.js";
import type { SmsSender } from "../../src/ports/sms-sender.js";
import { startAcsStandIn, type AcsStandIn } from "../support/acs-sms-stand-in.js";
import { ELKS, SINCH, start46elksStandIn, startSinchStandIn } from "../support/http-sms-stand-ins.js";
import type { Delivered, SmsStandInServer } from "../support/sms-stand-in-server.js";

const TO = "+46701234567";
const TEXT = "Din kod är 480263. Den gäller i 5 minuter.";
const SENDER = "RegionJH";
/** Generous per try (a loaded machine), short back-off; the timeout test sets its own. */
const RETRY: RetryPolicy = { windowMs: 3000, attemptTimeoutMs: 3000, baseDelayMs: 20 };

let logLines: string[] = [];
const logger = createLogger(
  "info",
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  }),
);

interface Subject {
  name: string;
  start(): Promise<{ sender: SmsSender; delivered: () => Delivered[]; stop(): Promise<void> }>;
}

const gateway = (settings: Omit<HttpGatewaySettings, "method" | "senderName">, retry: RetryPolicy) =>
  new HttpSmsGateway({ ...settings, method: "POST", senderName: SENDER }, retry, logger);
const elks =
  (retry: RetryPolicy, password = ELKS.password) =>
  (origin: string) =>
    gateway(
      {
        url: `${origin}/a1/sms`,
        body: "form",
        fields: { to: "to", from: "from", text: "message" },
        toAsList: false,
        auth: { kind: "basic", username: ELKS.username, password },
        successStatuses: [200],
      },
      retry,
    );
const sinch =
  (retry: RetryPolicy, token = SINCH.token) =>
  (origin: string) =>
    gateway(
      {
        url: `${origin}/xms/v1/${SINCH.servicePlanId}/batches`,
        body: "json",
        fields: { to: "to", from: "from", text: "body" },
        toAsList: true,
        auth: { kind: "bearer", token },
        successStatuses: [201],
      },
      retry,
    );

/** A network sender and its stand-in, built with a given retry policy. */
interface NetworkCase {
  name: string;
  start(): Promise<{ server: SmsStandInServer; make(retry?: RetryPolicy): SmsSender; makeWithWrongCredentials(): SmsSender }>;
}

const networkCases: NetworkCase[] = [
  {
    name: "HTTP gateway as 46elks (form, basic auth)",
    async start() {
      const server = await start46elksStandIn();
      return {
        server,
        make: (retry = RETRY) => elks(retry)(server.origin),
        makeWithWrongCredentials: () => elks(RETRY, "wrong-password")(server.origin),
      };
    },
  },
  {
    name: "HTTP gateway as Sinch (JSON batches, bearer)",
    async start() {
      const server = await startSinchStandIn();
      return {
        server,
        make: (retry = RETRY) => sinch(retry)(server.origin),
        makeWithWrongCredentials: () => sinch(RETRY, "wrong-token-0123456789")(server.origin),
      };
    },
  },
  {
    name: "Azure Communication Services (real SDK, HMAC-signed)",
    async start() {
      const acs: AcsStandIn = await startAcsStandIn();
      const wrongKey = Buffer.alloc(64, 7).toString("base64");
      return {
        server: acs.server,
        make: (retry = RETRY) => new AcsSmsSender({ connectionString: acs.connectionString }, SENDER, retry, logger),
        makeWithWrongCredentials: () =>
          new AcsSmsSender({ connectionString: `endpoint=${acs.server.origin}/;accesskey=${wrongKey}` }, SENDER, RETRY, logger),
      };
    },
  },
];

const subjects: Subject[] = [
  {
    name: "SMS outbox",
    async start() {
      const dir = mkdtempSync(join(tmpdir(), "sms-outbox-"));
      const file = join(dir, "outbox.jsonl");
      const read = () =>
        readFileSync(file, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { to: string; text: string })
          .map(({ to, text }) => ({ from: SENDER, to, text }));
      return {
        sender: new SmsOutbox(file, () => undefined),
        delivered: read,
        stop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  ...networkCases.map((c) => ({
    name: c.name,
    async start() {
      const { server, make } = await c.start();
      return { sender: make(), delivered: () => server.delivered, stop: () => server.stop() };
    },
  })),
];

describe.each(subjects)("SmsSender contract: $name", (subject) => {
  let started: Awaited<ReturnType<Subject["start"]>>;
  beforeAll(async () => {
    started = await subject.start();
  });
  afterAll(() => started.stop());

  it("delivers the text to the number, in order", async () => {
    await started.sender.send(TO, TEXT);
    await started.sender.send("+46709876543", "Andra");
    const delivered = await started.delivered();
    expect(delivered.map(({ to, text }) => ({ to, text }))).toEqual([
      { to: TO, text: TEXT },
      { to: "+46709876543", text: "Andra" },
    ]);
  });
});

describe.each(networkCases)("$name against its stand-in", (c) => {
  let server: SmsStandInServer;
  let make: (retry?: RetryPolicy) => SmsSender;
  let makeWithWrongCredentials: () => SmsSender;
  beforeAll(async () => {
    ({ server, make, makeWithWrongCredentials } = await c.start());
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.reset();
    logLines = [];
  });

  const failure = async (send: Promise<void>): Promise<SmsDeliveryError> => {
    const error = await send.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SmsDeliveryError);
    return error as SmsDeliveryError;
  };

  it("sends the sender name and retries a 5xx until it goes through", async () => {
    server.answer({ status: 503 }, { status: 500 });
    await make().send(TO, TEXT);
    expect(server.requests).toHaveLength(3);
    expect(server.delivered).toEqual([{ from: SENDER, to: TO, text: TEXT }]);
  });

  it("waits as long as a 429's Retry-After says", async () => {
    server.answer({ status: 429, retryAfter: "1" });
    const started = Date.now();
    await make().send(TO, TEXT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.delivered).toHaveLength(1);
  });

  it("does not retry a 4xx: one request, the status in the error", async () => {
    server.answer({ status: 400 });
    const error = await failure(make().send(TO, TEXT));
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ status: 400, attempts: 1 });
  });

  it("gives up on endless 5xx within the retry window", async () => {
    server.answer(...Array.from({ length: 50 }, () => ({ status: 502 })));
    const started = Date.now();
    const error = await failure(make().send(TO, TEXT));
    expect(Date.now() - started).toBeLessThan(RETRY.windowMs + RETRY.attemptTimeoutMs);
    expect(error.status).toBe(502);
    expect(error.attempts).toBeGreaterThan(2);
    expect(server.delivered).toEqual([]);
  });

  it("never retries past the code's expiry (notAfter)", async () => {
    server.answer(...Array.from({ length: 50 }, () => ({ status: 503 })));
    await failure(make({ ...RETRY, windowMs: 60_000 }).send(TO, TEXT, { notAfter: new Date(Date.now() + 100) }));
    expect(server.requests).toHaveLength(1);
  });

  it("gives up on a gateway that does not answer, each try bounded by the timeout", async () => {
    server.answer(...Array.from({ length: 20 }, () => ({ status: 200, delayMs: 1500 })));
    const started = Date.now();
    const error = await failure(make({ ...RETRY, windowMs: 500, attemptTimeoutMs: 300 }).send(TO, TEXT));
    expect(error.message).toMatch(/no answer within/);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it("refuses wrong credentials (401) without retrying", async () => {
    const error = await failure(makeWithWrongCredentials().send(TO, TEXT));
    expect(error.status).toBe(401);
    expect(server.requests).toHaveLength(1);
    expect(server.delivered).toEqual([]);
  });

  it("logs the outcome but never the text, the code or the number", async () => {
    server.answer({ status: 500 }, { status: 400 });
    await failure(make().send(TO, TEXT));
    await make().send(TO, TEXT);
    expect(logLines.length).toBeGreaterThanOrEqual(3);
    const all = logLines.join("\n");
    for (const needle of ["480263", "Din kod", "701234567", ELKS.password, SINCH.token]) expect(all).not.toContain(needle);
    expect(logLines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(["sms send failed", "sms send failed", "sms sent"]);
  });
});

describe("Azure Communication Services: a 202 is not a delivery", () => {
  let acs: AcsStandIn;
  const sender = () => new AcsSmsSender({ connectionString: acs.connectionString }, SENDER, RETRY, logger);
  beforeAll(async () => {
    acs = await startAcsStandIn();
  });
  afterAll(() => acs.server.stop());
  beforeEach(() => {
    acs.server.reset();
    logLines = [];
  });

  it("fails when the recipient's result says successful: false, with its error and without the number", async () => {
    acs.server.answer({
      status: 202,
      recipient: { successful: false, httpStatusCode: 400, errorMessage: `Invalid To phone number ${TO}.` },
    });
    const error = await sender()
      .send(TO, TEXT)
      .then(
        () => null,
        (e: unknown) => e as SmsDeliveryError,
      );
    expect(error).toBeInstanceOf(SmsDeliveryError);
    expect(error?.message).toBe("acs: recipient refused: Invalid To phone number [number].");
    expect(error).toMatchObject({ status: 400, attempts: 1 });
    expect(logLines.join("\n")).toContain("recipient refused");
    expect(logLines.join("\n")).not.toContain("701234567");
    expect(acs.server.delivered).toEqual([]);
  });

  it("retries a recipient the service could not take now (successful: false, 503)", async () => {
    acs.server.answer({ status: 202, recipient: { successful: false, httpStatusCode: 503, errorMessage: "Service unavailable" } });
    await sender().send(TO, TEXT);
    expect(acs.server.requests).toHaveLength(2);
    expect(acs.server.delivered).toHaveLength(1);
  });

  it("signs every request: a tampered body is refused by the stand-in's HMAC check", async () => {
    await sender().send(TO, TEXT);
    const [request] = acs.server.requests;
    expect(request?.headers.authorization).toMatch(/^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=/);
    const signed = ["x-ms-date", "x-ms-content-sha256", "authorization", "content-type"].map((name) => [
      name,
      String(request!.headers[name]),
    ]);
    const replay = (body: string) =>
      fetch(`${acs.server.origin}/sms?api-version=2021-03-07`, { method: "POST", headers: Object.fromEntries(signed), body });
    expect((await replay(request!.body.replace(TO, "+46700000000"))).status).toBe(401);
    expect((await replay(request!.body)).status).toBe(202);
  });
});
