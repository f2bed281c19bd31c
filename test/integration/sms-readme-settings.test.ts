/**
 * The SMS settings the README shows for 46elks, Sinch and ACS, read from the README itself,
 * go through loadConfig and smsSenderFromConfig (the wiring main.ts uses) and deliver a
 * message to each API's stand-in: only the host (and the placeholders) are replaced.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/adapters/logger.js";
import { smsSenderFromConfig } from "../../src/adapters/sms/sms-from-config.js";
import { loadConfig } from "../../src/config/load-config.js";
import { startAcsStandIn, type AcsStandIn } from "../support/acs-sms-stand-in.js";
import { ELKS, SINCH, start46elksStandIn, startSinchStandIn } from "../support/http-sms-stand-ins.js";
import type { SmsStandInServer } from "../support/sms-stand-in-server.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The `KEY=value` lines of the first sh block after `**<provider>**` in the README. */
function readmeSettings(provider: string): Record<string, string> {
  const start = readme.indexOf(`**${provider}**`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? "";
  return Object.fromEntries(
    block
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

const logger = createLogger("silent");
let elks: SmsStandInServer;
let sinch: SmsStandInServer;
let acs: AcsStandIn;

beforeAll(async () => {
  [elks, sinch, acs] = await Promise.all([start46elksStandIn(), startSinchStandIn(), startAcsStandIn()]);
});
afterAll(() => Promise.all([elks.stop(), sinch.stop(), acs.server.stop()]));

const send = (env: Record<string, string>) => smsSenderFromConfig(loadConfig(env), logger).send("+46701740605", "Din kod är 123456.");

describe("the README's SMS settings", () => {
  it("46elks: form POST with basic auth", async () => {
    const env = readmeSettings("46elks");
    expect(env.SMS_GATEWAY_URL).toBe("https://api.46elks.com/a1/sms");
    await send({
      ...env,
      SMS_GATEWAY_URL: `${elks.origin}/a1/sms`,
      SMS_GATEWAY_USERNAME: ELKS.username,
      SMS_GATEWAY_PASSWORD: ELKS.password,
    });
    expect(elks.delivered).toEqual([{ from: "RegionJH", to: "+46701740605", text: "Din kod är 123456." }]);
  });

  it("Sinch: JSON batch with a bearer token", async () => {
    const env = readmeSettings("Sinch");
    expect(env.SMS_GATEWAY_URL).toBe("https://eu.sms.api.sinch.com/xms/v1/<service_plan_id>/batches");
    const url = env
      .SMS_GATEWAY_URL!.replace("https://eu.sms.api.sinch.com", sinch.origin)
      .replace("<service_plan_id>", SINCH.servicePlanId);
    await send({ ...env, SMS_GATEWAY_URL: url, SMS_GATEWAY_TOKEN: SINCH.token });
    expect(sinch.delivered).toEqual([{ from: "RegionJH", to: "+46701740605", text: "Din kod är 123456." }]);
  });

  it("Azure Communication Services: a connection string", async () => {
    expect(readme).toContain(
      "`SMS_ACS_CONNECTION_STRING` | — | ACS with its access key: `endpoint=https://<resource>.communication.azure.com/;accesskey=<key>`",
    );
    await send({ SMS_PROVIDER: "acs", SMS_ACS_CONNECTION_STRING: acs.connectionString });
    expect(acs.server.delivered).toEqual([{ from: "RegionJH", to: "+46701740605", text: "Din kod är 123456." }]);
  });
});
