/** Our response encoder, checked against the radius package's verify_response and decode. */
import radius from "radius";
import { describe, expect, it } from "vitest";
import { RadiusAttribute, RadiusCode } from "../../src/radius/radius-packet.js";
import { encodeResponse, RadiusEncodeError, replyMessage } from "../../src/radius/radius-response.js";
import { accessRequest, responseMessageAuthenticatorIsValid } from "../support/radius-packets.js";

const secret = "unit-test-secret-abcdefgh";

describe("encodeResponse", () => {
  const request = accessRequest({ secret, userName: "alexw", password: "123456", identifier: 99 });
  const args = {
    identifier: 99,
    requestAuthenticator: request.subarray(4, 20),
    secret,
    attributes: [replyMessage("Fel kod. Vänta på nästa kod och försök igen.")],
    proxyStates: [Buffer.from("first"), Buffer.from([0, 1, 2])],
  };

  it.each([RadiusCode.AccessAccept, RadiusCode.AccessReject, RadiusCode.AccessChallenge] as const)(
    "gives code %i a Response Authenticator and Message-Authenticator the radius package accepts",
    (code) => {
      const response = encodeResponse({ ...args, code });
      expect(radius.verify_response({ request, response, secret })).toBe(true);
      expect(radius.verify_response({ request, response, secret: "another-secret-0000000" })).toBe(false);
      expect(responseMessageAuthenticatorIsValid(response, request, secret)).toBe(true);
    },
  );

  it("puts the Message-Authenticator first and copies Proxy-State in order", () => {
    const response = encodeResponse({ ...args, code: RadiusCode.AccessReject });
    expect(response[20]).toBe(RadiusAttribute.MessageAuthenticator);
    const decoded = radius.decode({ packet: response, secret });
    expect(decoded.code).toBe("Access-Reject");
    expect(decoded.identifier).toBe(99);
    expect(decoded.attributes["Reply-Message"]).toBe("Fel kod. Vänta på nästa kod och försök igen.");
    expect(decoded.raw_attributes.filter(([type]) => type === 33).map(([, value]) => value)).toEqual(args.proxyStates);
  });

  it("has a Message-Authenticator also when the request had none", () => {
    const bare = accessRequest({ secret, userName: "alexw", password: "123456", identifier: 99, messageAuthenticator: false });
    const response = encodeResponse({ ...args, requestAuthenticator: bare.subarray(4, 20), code: RadiusCode.AccessAccept });
    expect(radius.verify_response({ request: bare, response, secret })).toBe(true);
    expect(responseMessageAuthenticatorIsValid(response, bare, secret)).toBe(true);
  });

  it("refuses to build what does not fit: a value over 253 octets, a packet over 4096", () => {
    expect(() => encodeResponse({ ...args, code: RadiusCode.AccessReject, attributes: [replyMessage("x".repeat(254))] })).toThrow(
      RadiusEncodeError,
    );
    const many = Array.from({ length: 20 }, () => Buffer.alloc(250));
    expect(() => encodeResponse({ ...args, code: RadiusCode.AccessReject, proxyStates: many })).toThrow(RadiusEncodeError);
  });
});
