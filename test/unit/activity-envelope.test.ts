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

describe("activity envelope field types", () => {
  const invoke = (value: unknown) => ({ ...good, type: "invoke", name: "adaptiveCard/action", value });
  const card = { action: { type: "Action.Execute", verb: "enroll.sms", data: { flowId: "f", smsCode: "123456" } } };

  it("accepts the fields the bot reads when they have their types, and null where Teams may send it", () => {
    const full = {
      ...good,
      id: "1",
      locale: "sv-SE",
      text: "hej",
      replyToId: "0",
      timestamp: "2026-01-01T00:00:00Z",
      from: { id: "29:1", aadObjectId: "a", name: "Alex" },
      conversation: { id: "a:1", conversationType: "personal", tenantId: "t", isGroup: false },
      channelData: { tenant: { id: "t" } },
      membersAdded: [{ id: "28:bot" }],
    };
    expect(envelopeProblem(full)).toBeNull();
    expect(envelopeProblem({ ...full, locale: null, text: null, replyToId: null })).toBeNull();
    expect(envelopeProblem(invoke(card))).toBeNull();
    expect(envelopeProblem(invoke({ action: { type: "Action.Execute", verb: "enroll.start" } }))).toBeNull();
  });

  it("leaves an invoke value that is not a card action to the card contract (a card saying it could not be read)", () => {
    expect(envelopeProblem(invoke("not an object"))).toBeNull();
    expect(envelopeProblem(invoke({ action: { type: "Action.Submit", verb: "enroll.confirm" } }))).toBeNull();
    expect(
      envelopeProblem(invoke({ action: { type: "Action.Execute", verb: "enroll.confirm", data: { totpCode: "9".repeat(5000) } } })),
    ).toBeNull();
  });

  it.each([
    ["a number as locale", { ...good, locale: 42 }, "locale"],
    ["an object as locale", { ...good, locale: { toLowerCase: 1 } }, "locale"],
    ["an overlong locale", { ...good, locale: "sv-".repeat(100) }, "locale"],
    ["a number as type", { ...good, type: 7 }, "type"],
    ["an object as invoke name", { ...good, type: "invoke", name: { a: 1 } }, "name"],
    ["a number as text", { ...good, text: 5 }, "text"],
    ["a text larger than any message", { ...good, text: "x".repeat(70_000) }, "text"],
    ["a number as the sender's Entra id", { ...good, from: { id: "29:1", aadObjectId: 7 } }, "from.aadObjectId"],
    ["an array as the sender's name", { ...good, from: { id: "29:1", name: ["a"] } }, "from.name"],
    ["a number as conversation type", { ...good, conversation: { id: "a:1", conversationType: 1 } }, "conversation.conversationType"],
    ["an object as conversation tenant", { ...good, conversation: { id: "a:1", tenantId: {} } }, "conversation.tenantId"],
    ["a string as channelData", { ...good, channelData: "x" }, "channelData"],
    ["a number as tenant id", { ...good, channelData: { tenant: { id: 5 } } }, "channelData.tenant.id"],
    ["a string as membersAdded", { ...good, membersAdded: "all" }, "membersAdded"],
    ["a member without an id", { ...good, membersAdded: [{ name: "x" }] }, "membersAdded.0.id"],
    ["a number as activity id", { ...good, id: 5 }, "id"],
    ["a number as verb", invoke({ action: { type: "Action.Execute", verb: 42 } }), "value.action.verb"],
    ["an overlong verb", invoke({ action: { type: "Action.Execute", verb: "v".repeat(65) } }), "value.action.verb"],
    ["a string as card data", invoke({ action: { type: "Action.Execute", verb: "enroll.sms", data: "smsCode=1" } }), "value.action.data"],
    ["an array as card data", invoke({ action: { type: "Action.Execute", verb: "enroll.sms", data: ["1"] } }), "value.action.data"],
    ["an object as action type", invoke({ action: { type: {}, verb: "enroll.sms" } }), "value.action.type"],
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
    expect(envelopeProblem({ ...local, serviceUrl: "http://127.0.0.1.evil.example/" }, { loopbackServiceUrlOnly: true })).toContain(
      "serviceUrl",
    );
  });

  it("in production refuses activities from another tenant", () => {
    const ours = { ...good, channelData: { tenant: { id: "region-tenant" } } };
    expect(envelopeProblem(ours, { tenantId: "region-tenant" })).toBeNull();
    expect(envelopeProblem({ ...good, channelData: { tenant: { id: "other-tenant" } } }, { tenantId: "region-tenant" })).toContain(
      "one organisation",
    );
    expect(envelopeProblem(good, { tenantId: "region-tenant" })).toContain("one organisation");
  });
});
