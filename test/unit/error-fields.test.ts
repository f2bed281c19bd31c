import { describe, expect, it } from "vitest";
import { errorFields } from "../../src/adapters/logger.js";

describe("errors as log fields", () => {
  it("cuts out anything that looks like a secret an upstream error may quote", () => {
    const quoted = new Error(
      'Connector said 400 for {"text":"JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP","url":"data:image/png;base64,iVBORw0KGgo=","uri":"otpauth://totp/Region%20JH:alexw?secret=JBSWY3DPEHPK3PXP","code":"123456"}',
    );
    const { name, message } = errorFields(quoted);
    expect(name).toBe("Error");
    for (const secret of ["JBSW Y3DP", "JBSWY3DPEHPK3PXP", "iVBORw0KGgo", "secret=", "123456"]) expect(message).not.toContain(secret);
    expect(message).toContain("Connector said 400");
  });

  it("keeps the first line, at most 300 characters, of anything thrown", () => {
    expect(errorFields(new Error(`first\nsecond`)).message).toBe("first");
    expect(errorFields(new Error("x".repeat(1000))).message).toHaveLength(300);
    expect(errorFields("plain string")).toEqual({ name: "string", message: "plain string" });
  });
});
