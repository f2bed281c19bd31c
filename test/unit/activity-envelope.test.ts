import { describe, expect, it } from "vitest";
import { envelopeProblem } from "../../src/http/activity-envelope.js";

const good = {
  type: "message",
  channelId: "msteams",
  serviceUrl: "https://smba.trafficmanager.net/emea/",
  from: { id: "29:1", aadObjectId: "a" },
  conversation: { id: "a:1" },
  recipient: { id: "28:bot" },
};

describe("activity envelope", () => {
  it("accepts a Teams activity", () => {
    expect(envelopeProblem(good)).toBeNull();
  });

  it.each([
    ["no serviceUrl", { ...good, serviceUrl: undefined }, "serviceUrl"],
    ["a serviceUrl that is not a URL", { ...good, serviceUrl: "javascript:alert(1)x y" }, "serviceUrl"],
    ["no sender", { ...good, from: undefined }, "from"],
    ["an empty conversation id", { ...good, conversation: { id: "" } }, "conversation.id"],
    ["an array", [good], "body"],
    ["a huge id", { ...good, from: { id: "x".repeat(600) } }, "from.id"],
  ])("refuses %s, naming the field", (_name, body, field) => {
    expect(envelopeProblem(body)).toContain(field);
  });
});

describe("activity envelope rules", () => {
  const local = { ...good, serviceUrl: "http://127.0.0.1:56150/" };

  it("in local mode answers only a connector on this machine", () => {
    expect(envelopeProblem(local, { loopbackServiceUrlOnly: true })).toBeNull();
    expect(envelopeProblem({ ...local, serviceUrl: "http://localhost:3000" }, { loopbackServiceUrlOnly: true })).toBeNull();
    expect(envelopeProblem(good, { loopbackServiceUrlOnly: true })).toContain("serviceUrl must be on this machine");
    expect(envelopeProblem({ ...local, serviceUrl: "http://127.0.0.1.evil.example/" }, { loopbackServiceUrlOnly: true })).toContain("serviceUrl");
  });

  it("in production refuses activities from another tenant", () => {
    const ours = { ...good, channelData: { tenant: { id: "region-tenant" } } };
    expect(envelopeProblem(ours, { tenantId: "region-tenant" })).toBeNull();
    expect(envelopeProblem({ ...good, channelData: { tenant: { id: "other-tenant" } } }, { tenantId: "region-tenant" })).toContain("one organisation");
    expect(envelopeProblem(good, { tenantId: "region-tenant" })).toContain("one organisation");
  });
});
