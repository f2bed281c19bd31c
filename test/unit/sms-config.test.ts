import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { configProblems, productionEnv } from "../support/config-problems.js";

const names = (env: Record<string, string>) => configProblems(env).map((p) => p.split(":")[0]);
const withoutHttpGateway = () => {
  const env = productionEnv();
  delete env.SMS_GATEWAY_URL;
  delete env.SMS_GATEWAY_TOKEN;
  return env;
};

describe("SMS settings", () => {
  it("accepts an alphanumeric sender name of at most 11 characters, or an E.164 number", () => {
    for (const good of ["RegionJH", "Region1177", "ABCDEFGHIJK", "+46766861004"])
      expect(names({ SMS_SENDER_NAME: good }), good).toEqual([]);
  });

  it("refuses a sender name phones cannot show, saying what is allowed", () => {
    for (const bad of ["Region JH", "RegionJamtland", "123456", "Region-JH", "Åre"]) {
      expect(configProblems({ SMS_SENDER_NAME: bad }), bad).toEqual([
        expect.stringMatching(/^SMS_SENDER_NAME: must be an alphanumeric sender name of at most 11 characters/),
      ]);
    }
  });

  it("picks the HTTP gateway when only SMS_GATEWAY_URL is set, the outbox when nothing is", () => {
    expect(loadConfig(productionEnv())).toMatchObject({ SMS_GATEWAY_AUTH: "bearer", SMS_GATEWAY_SUCCESS_STATUSES: [200, 201, 202, 204] });
    expect(names(withoutHttpGateway())).toEqual(["SMS_PROVIDER"]);
    expect(names({})).toEqual([]);
  });

  it("names what each gateway authentication needs", () => {
    const http = { SMS_PROVIDER: "http", SMS_GATEWAY_URL: "https://api.46elks.com/a1/sms" };
    expect(names({ ...http })).toEqual(["SMS_GATEWAY_TOKEN"]);
    expect(names({ ...http, SMS_GATEWAY_AUTH: "basic" })).toEqual(["SMS_GATEWAY_USERNAME", "SMS_GATEWAY_PASSWORD"]);
    expect(names({ ...http, SMS_GATEWAY_AUTH: "header" })).toEqual(["SMS_GATEWAY_AUTH_HEADER", "SMS_GATEWAY_TOKEN"]);
    expect(names({ ...http, SMS_GATEWAY_AUTH: "header", SMS_GATEWAY_AUTH_HEADER: "X-Api-Key", SMS_GATEWAY_TOKEN: "k" })).toEqual([]);
    expect(names({ SMS_PROVIDER: "http" })).toEqual(["SMS_GATEWAY_URL", "SMS_GATEWAY_TOKEN"]);
    expect(names({ ...http, SMS_GATEWAY_TOKEN: "t", SMS_GATEWAY_BODY: "form", SMS_GATEWAY_TO_AS_LIST: "true" })).toEqual([
      "SMS_GATEWAY_TO_AS_LIST",
    ]);
  });

  it("reads the success statuses and refuses a list that is not statuses", () => {
    expect(loadConfig({ SMS_GATEWAY_SUCCESS_STATUSES: "200, 201" }).SMS_GATEWAY_SUCCESS_STATUSES).toEqual([200, 201]);
    expect(names({ SMS_GATEWAY_SUCCESS_STATUSES: "2xx" })).toEqual(["SMS_GATEWAY_SUCCESS_STATUSES"]);
  });

  it("takes ACS by connection string or by endpoint (managed identity), never echoing the key", () => {
    const key = Buffer.alloc(64, 9).toString("base64");
    const acs = (extra: Record<string, string>) => names({ ...withoutHttpGateway(), SMS_PROVIDER: "acs", ...extra });
    expect(acs({ SMS_ACS_CONNECTION_STRING: `endpoint=https://region-sms.communication.azure.com/;accesskey=${key}` })).toEqual([]);
    expect(acs({ SMS_ACS_ENDPOINT: "https://region-sms.communication.azure.com" })).toEqual([]);
    expect(acs({})).toEqual(["SMS_ACS_CONNECTION_STRING"]);
    expect(acs({ SMS_ACS_CONNECTION_STRING: "x", SMS_ACS_ENDPOINT: "https://a.example" })).toEqual(["SMS_ACS_ENDPOINT"]);
    const refused = configProblems({ SMS_PROVIDER: "acs", SMS_ACS_CONNECTION_STRING: `endpoint=http://sms.example/;accesskey=${key}` });
    expect(refused).toEqual([expect.stringMatching(/^SMS_ACS_CONNECTION_STRING: must be https:\/\//)]);
    expect(refused.join()).not.toContain(key);
    expect(configProblems({ SMS_PROVIDER: "acs", SMS_ACS_CONNECTION_STRING: `accesskey=${key}` }).join()).not.toContain(key);
  });
});
