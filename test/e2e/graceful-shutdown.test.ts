/**
 * SIGTERM while an enrollment turn is in flight (its SMS still on the way to a slow gateway):
 * the bot takes no new request, lets the turn finish (state saved, SMS sent, card answered),
 * closes the database and exits; restarted on the same DATA_DIR, the flow goes on with that
 * code. The SMS travels through the configurable HTTP gateway (set up as Sinch) to a stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { cardTitle, flowIdOf, inputIds, smsCodeIn } from "../support/cards.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { DEMO_PASSWORD, expectCardResponse, greet, passSms, startFlow } from "../support/enrollment-steps.js";
import { SINCH, startSinchStandIn } from "../support/http-sms-stand-ins.js";
import type { SmsStandInServer } from "../support/sms-stand-in-server.js";
import { people, TeamsUser } from "../support/teams-user.js";

let connector: ConnectorStandIn;
let gateway: SmsStandInServer;
let dataDir: string;
const bots: BotProcess[] = [];

beforeAll(async () => {
  connector = await ConnectorStandIn.start();
  gateway = await startSinchStandIn();
  dataDir = makeDataDir();
});

afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.kill()));
  await gateway?.stop();
  await connector?.stop();
  if (dataDir) removeDataDir(dataDir);
});

const start = async () => {
  const bot = await startBot({
    dataDir,
    env: {
      SMS_PROVIDER: "http",
      SMS_GATEWAY_URL: `${gateway.origin}/xms/v1/${SINCH.servicePlanId}/batches`,
      SMS_GATEWAY_TOKEN: SINCH.token,
      SMS_GATEWAY_FIELD_TEXT: "body",
      SMS_GATEWAY_TO_AS_LIST: "true",
      SMS_GATEWAY_SUCCESS_STATUSES: "201",
      SHUTDOWN_GRACE_SECONDS: "10",
    },
  });
  bots.push(bot);
  return bot;
};

const waitFor = async (condition: () => boolean, what: string) => {
  for (const deadline = Date.now() + 10_000; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("graceful shutdown of the bot", () => {
  it("finishes the turn in flight on SIGTERM, refuses new requests, and the flow goes on after a restart", async () => {
    const first = await start();
    const alex = new TeamsUser(people.alexw, connector, first.url);
    const identity = await startFlow(alex, await greet(alex));
    gateway.answer({ status: 0, delayMs: 1500 });

    const turn = alex.press("enroll.identity", { flowId: flowIdOf(identity), username: alex.person.login, password: DEMO_PASSWORD });
    await waitFor(() => gateway.requests.length === 1, "the SMS request");
    const stopped = first.stop();
    await waitFor(() => first.logs().some((line) => line.msg === "shutting down"), "the shutdown log line");
    const during = await fetch(`${first.url}/healthz`).then(
      (res) => res.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(during);

    const answered = await turn;
    expectCardResponse(answered);
    expect(inputIds(answered.card)).toEqual(["smsCode"]);
    await stopped;
    const messages = first.logs().map((line) => line.msg);
    expect(messages).toContain("stopped");
    expect(messages).not.toContain("requests still running at the end of the grace period were cut off");
    expect(gateway.delivered).toHaveLength(1);

    const second = await start();
    alex.botUrl = second.url;
    const device = await passSms(alex, answered.card, smsCodeIn(gateway.delivered[0]!.text));
    expect(flowIdOf(device)).toBe(flowIdOf(identity));
    expect(cardTitle(device)).toMatch(/^Steg 3 av 4/);
  }, 120_000);
});
