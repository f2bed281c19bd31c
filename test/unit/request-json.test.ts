import { describe, expect, it } from "vitest";
import { parseRequestJson } from "../../src/http/request-json.js";

describe("request bodies are parsed without prototype keys", () => {
  it("drops __proto__, constructor and prototype keys at any depth and keeps everything else", () => {
    const text = `{
      "type": "invoke",
      "__proto__": { "isAdmin": true },
      "constructor": { "prototype": { "polluted": 1 } },
      "list": [1, { "__proto__x": 1 }],
      "nested": { "ok": "yes", "prototype": { "a": 1 }, "__proto__": { "smsCode": "123456" } }
    }`;
    const body = parseRequestJson(text) as Record<string, unknown>;
    expect(body).toEqual({ type: "invoke", list: [1, { __proto__x: 1 }], nested: { ok: "yes" } });
    expect(Object.keys(body)).toEqual(["type", "list", "nested"]);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    // A merge the way library code does it (Object.assign) picks nothing up.
    expect((Object.assign({}, body.nested) as Record<string, unknown>).smsCode).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("drops them also when a \\u escape spells them", () => {
    const body = parseRequestJson('{"\\u005f_proto__":{"isAdmin":true},"a":{"constructo\\u0072":1,"b":2}}');
    expect(body).toEqual({ a: { b: 2 } });
    expect(Object.keys(body as object)).toEqual(["a"]);
  });

  it("keeps the values of JSON text as JSON.parse does", () => {
    for (const text of ['{"a":[1,2,{"b":null}],"c":"\\u00e5"}', "[1,2]", '"x"', "null", "3"])
      expect(parseRequestJson(text)).toEqual(JSON.parse(text));
  });

  it("throws on text that is not JSON, like JSON.parse", () => {
    expect(() => parseRequestJson("{not json")).toThrow(SyntaxError);
  });
});
