/**
 * Every URL setting the bot sends something to (a token, codes, ticket cards) or sends people
 * to must be https://; plain http:// only to this machine (a stand-in in tests). One rule,
 * checked the same way for each, in every mode; the message names the variable and never
 * echoes the URL's path, query or credentials (a gateway key can sit in a query string).
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { isTlsOrLoopbackUrl } from "../../src/config/url-rules.js";
import { configProblems, productionEnv } from "../support/config-problems.js";

const production = productionEnv();

const urlSettings = ["SMS_GATEWAY_URL", "HELPDESK_SERVICE_URL", "CITRIX_URL", "GRAPH_BASE_URL", "BOT_OPENID_METADATA_URL"] as const;

describe("URL settings", () => {
  it("production starts with https everywhere", () => {
    expect(configProblems(production)).toEqual([]);
    expect(
      configProblems({
        ...production,
        HELPDESK_SERVICE_URL: "https://smba.trafficmanager.net/emea/",
        CITRIX_URL: "https://citrix.regionjh.se",
      }),
    ).toEqual([]);
  });

  it.each(urlSettings)("refuses a plain http:// %s to another host, in production and in local mode", (name) => {
    const env = {
      [name]: "http://gateway.example:8080/path?key=s3cr3t-in-query",
      ...(name === "SMS_GATEWAY_URL" ? { SMS_GATEWAY_TOKEN: "t" } : {}),
    };
    for (const base of [production, {}]) {
      const found = configProblems({ ...base, ...env });
      expect(found, JSON.stringify(found)).toEqual([expect.stringMatching(new RegExp(`^${name}: must be https://`))]);
      expect(found[0]).toContain("http://gateway.example:8080");
      expect(found[0]).not.toContain("s3cr3t-in-query");
      expect(found[0]).not.toContain("/path");
    }
  });

  it.each(urlSettings)("accepts a plain http:// %s on loopback (a local stand-in)", (name) => {
    const env = { [name]: "http://127.0.0.1:4567/api", ...(name === "SMS_GATEWAY_URL" ? { SMS_GATEWAY_TOKEN: "t" } : {}) };
    expect(configProblems({ ...production, ...env })).toEqual([]);
  });

  it("never echoes credentials in a URL", () => {
    const found = configProblems({ ...production, HELPDESK_SERVICE_URL: "http://user:hunter2@connector.example/" });
    expect(found).toEqual([expect.stringMatching(/^HELPDESK_SERVICE_URL: must be https:\/\//)]);
    expect(found[0]).not.toContain("hunter2");
  });

  it("keeps the defaults valid", () => {
    expect(loadConfig({})).toMatchObject({ CITRIX_URL: "https://citrix.regionjh.se", GRAPH_BASE_URL: "https://graph.microsoft.com" });
  });

  it("one rule: https anywhere, http only to this machine, nothing else", () => {
    expect(isTlsOrLoopbackUrl("https://sms.example/send")).toBe(true);
    expect(isTlsOrLoopbackUrl("http://localhost:3000/")).toBe(true);
    expect(isTlsOrLoopbackUrl("http://[::1]:3000/")).toBe(true);
    expect(isTlsOrLoopbackUrl("http://127.0.0.2/")).toBe(true);
    expect(isTlsOrLoopbackUrl("http://127.0.0.1.evil.example/")).toBe(false);
    expect(isTlsOrLoopbackUrl("http://sms.example/")).toBe(false);
    expect(isTlsOrLoopbackUrl("ftp://127.0.0.1/")).toBe(false);
    expect(isTlsOrLoopbackUrl("javascript:alert(1)")).toBe(false);
    expect(isTlsOrLoopbackUrl("not a url")).toBe(false);
  });
});
