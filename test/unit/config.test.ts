import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "../../src/config/config-schema.js";
import { loadConfig } from "../../src/config/load-config.js";
import { configProblems, productionEnv } from "../support/config-problems.js";

const problems = configProblems;

describe("configuration", () => {
  it("starts in local mode with no settings at all", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ localMode: true, HOST: "127.0.0.1", PORT: 3978, TOTP_ISSUER: "Region JH", SMS_CODE_TTL_SECONDS: 300 });
  });

  it("refuses to run unauthenticated on anything but loopback", () => {
    expect(problems({ HOST: "0.0.0.0" })[0]).toMatch(/^HOST: .*only allowed on loopback/);
  });

  it("names each wrong variable and why", () => {
    expect(problems({ PORT: "http", SMS_MAX_ATTEMPTS: "0", LDAP_URL: "http://dc" })).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^SMS_MAX_ATTEMPTS: /),
      expect.stringMatching(/^LDAP_URL: must start with ldap:\/\//),
    ]);
  });

  it("demands production settings once an Azure app id is set, without echoing secrets", () => {
    const found = problems({ MICROSOFT_APP_ID: "app", HOST: "0.0.0.0", LDAP_URL: "ldaps://dc", LDAP_BIND_PASSWORD: "hunter2" });
    expect(found.map((p) => p.split(":")[0])).toEqual([
      "MICROSOFT_APP_PASSWORD",
      "MICROSOFT_APP_TENANT_ID",
      "ENCRYPTION_KEY",
      "LDAP_ELIGIBLE_GROUP_DN",
      "HELPDESK_CHANNEL_ID",
      "HELPDESK_GROUP_ID",
      "LDAP_BIND_DN",
      "LDAP_BASE_DN",
      "SMS_PROVIDER",
    ]);
    expect(found.join("\n")).not.toContain("hunter2");
  });

  it("refuses fail-open production settings", () => {
    const production = productionEnv();
    expect(problems(production)).toEqual([]);
    const refused = (change: Record<string, string>) => problems({ ...production, ...change }).map((p) => p.split(":")[0]);
    expect(refused({ MICROSOFT_APP_TYPE: "MultiTenant" })).toEqual(["MICROSOFT_APP_TYPE"]);
    expect(refused({ LDAP_ALLOW_PLAINTEXT: "true" })).toEqual(["LDAP_ALLOW_PLAINTEXT"]);
    expect(refused({ SMS_GATEWAY_URL: "http://sms.example/send" })).toEqual(["SMS_GATEWAY_URL"]);
    expect(refused({ ENCRYPTION_KEY: Buffer.alloc(32).toString("base64") })).toEqual(["ENCRYPTION_KEY"]);
  });

  it("rejects an encryption key that is not 32 bytes", () => {
    expect(problems({ ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })[0]).toMatch(/^ENCRYPTION_KEY: must be 32 random bytes/);
  });

  it("documents every variable in the README", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const name of Object.keys(envSchema.shape)) expect(readme, name).toContain(`\`${name}\``);
  });

  it("lists every variable in .env.example", () => {
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    for (const name of Object.keys(envSchema.shape)) expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });
});
