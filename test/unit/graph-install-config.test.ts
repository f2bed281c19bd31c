import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { configProblems, productionEnv } from "../support/config-problems.js";

const problems = configProblems;

const production = productionEnv({
  MICROSOFT_APP_PASSWORD: "client-secret-value",
  MICROSOFT_APP_TENANT_ID: "tenant",
  LDAP_ELIGIBLE_GROUP_DN: "CN=VPN,DC=region",
  LDAP_BASE_DN: "DC=region",
  HELPDESK_GROUP_ID: "helpdesk",
});

describe("configuration of app installs through Microsoft Graph", () => {
  it("is off by default, with the public Graph URL", () => {
    expect(loadConfig({})).toMatchObject({ GRAPH_INSTALL_ENABLED: false, GRAPH_BASE_URL: "https://graph.microsoft.com" });
    expect(loadConfig(production).GRAPH_INSTALL_ENABLED).toBe(false);
  });

  it("when enabled, needs the catalog id and an app credential, naming each variable", () => {
    expect(problems({ GRAPH_INSTALL_ENABLED: "true" }).map((p) => p.split(":")[0])).toEqual([
      "TEAMS_APP_CATALOG_ID",
      "MICROSOFT_APP_ID",
      "MICROSOFT_APP_PASSWORD",
      "MICROSOFT_APP_TENANT_ID",
    ]);
    const { MICROSOFT_APP_PASSWORD: _secret, ...withoutSecret } = production;
    const found = problems({ ...withoutSecret, GRAPH_INSTALL_ENABLED: "true" });
    // The production check already names the secret: said once, not twice.
    expect(found.filter((p) => p.startsWith("MICROSOFT_APP_PASSWORD:"))).toHaveLength(1);
    expect(found.some((p) => p.startsWith("TEAMS_APP_CATALOG_ID: required when GRAPH_INSTALL_ENABLED=true"))).toBe(true);
    // Production always names its tenant (MultiTenant is refused), which app-only Graph tokens need too.
    expect(
      problems({ ...production, MICROSOFT_APP_TYPE: "MultiTenant", GRAPH_INSTALL_ENABLED: "true", TEAMS_APP_CATALOG_ID: "cat" }),
    ).toEqual([expect.stringMatching(/^MICROSOFT_APP_TYPE: MultiTenant is refused/)]);
  });

  it("accepts a client secret or a user-assigned managed identity", () => {
    expect(loadConfig({ ...production, GRAPH_INSTALL_ENABLED: "true", TEAMS_APP_CATALOG_ID: "cat" })).toMatchObject({
      GRAPH_INSTALL_ENABLED: true,
      TEAMS_APP_CATALOG_ID: "cat",
    });
    const { MICROSOFT_APP_PASSWORD: _secret, ...msi } = production;
    expect(problems({ ...msi, MICROSOFT_APP_TYPE: "UserAssignedMSI", GRAPH_INSTALL_ENABLED: "true", TEAMS_APP_CATALOG_ID: "cat" })).toEqual(
      [],
    );
  });

  it("sends the token only over TLS, or to a stand-in on loopback; never echoes the secret", () => {
    expect(problems({ GRAPH_BASE_URL: "http://graph.example" })).toEqual([expect.stringMatching(/^GRAPH_BASE_URL: must be https:\/\//)]);
    expect(problems({ GRAPH_BASE_URL: "not a url" })).toEqual([expect.stringMatching(/^GRAPH_BASE_URL: /)]);
    expect(loadConfig({ GRAPH_BASE_URL: "http://127.0.0.1:4567/" }).GRAPH_BASE_URL).toBe("http://127.0.0.1:4567");
    expect(loadConfig({ GRAPH_BASE_URL: "https://graph.microsoft.us" }).GRAPH_BASE_URL).toBe("https://graph.microsoft.us");
    const found = problems({
      ...production,
      MICROSOFT_APP_TYPE: "MultiTenant",
      GRAPH_INSTALL_ENABLED: "true",
      GRAPH_BASE_URL: "http://graph.example",
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.join("\n")).not.toContain("client-secret-value");
  });
});
