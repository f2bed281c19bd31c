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
