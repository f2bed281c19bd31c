/**
 * ENCRYPTION_KEY must be 32 random bytes. A typed passphrase, a repeated pattern, zero-filled
 * or counter bytes are refused in production, with a message that names the variable, says
 * how to make a key and never echoes it; `openssl rand -base64 32` output always passes.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyRandomnessProblem } from "../../src/config/key-randomness.js";
import { configProblems, productionEnv } from "../support/config-problems.js";

const { ENCRYPTION_KEY: _random, ...production } = productionEnv();

const b64 = (bytes: Buffer | number[]) => Buffer.from(bytes).toString("base64");
const repeated = (block: Buffer) => b64(Buffer.concat([block, block]));

const weakKeys: [string, string][] = [
  ["a typed passphrase", b64(Buffer.from("Region JH otp bot key, 2026 prod", "utf8"))],
  ["another passphrase", b64(Buffer.from("correct horse battery staple!!!!", "utf8"))],
  ["printable random-looking text", b64(Buffer.from("k8#Qz!r2Lp@9vX&wT4m$Yb7^Nc1*Hd6E", "utf8"))],
  ["zero-filled bytes", b64(Buffer.alloc(32))],
  ["all 0xff", b64(Buffer.alloc(32, 0xff))],
  ["counter bytes 0..31", b64(Array.from({ length: 32 }, (_, i) => i))],
  ["counter bytes 200..231", b64(Array.from({ length: 32 }, (_, i) => 200 + i))],
  ["a stride of 7", b64(Array.from({ length: 32 }, (_, i) => (i * 7) & 0xff))],
  ["a short pattern repeated", b64(Array.from({ length: 32 }, (_, i) => [0xde, 0xad, 0xbe, 0xef][i % 4]!))],
  ["16 random bytes twice", repeated(randomBytes(16))],
  ["half zeros", b64(Buffer.concat([randomBytes(16), Buffer.alloc(16)]))],
  ["a random key with ten zero bytes in it", b64(Buffer.concat([randomBytes(22), Buffer.alloc(10)]))],
];

describe("ENCRYPTION_KEY randomness", () => {
  it("accepts every one of 10,000 keys from a CSPRNG (openssl rand -base64 32)", () => {
    const refused: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const key = randomBytes(32);
      if (keyRandomnessProblem(key)) refused.push(key.toString("hex"));
    }
    expect(refused).toEqual([]);
  });

  it.each(weakKeys)("refuses %s in production, naming the variable and how to make a key, never echoing it", (_name, key) => {
    const found = configProblems({ ...production, ENCRYPTION_KEY: key });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^ENCRYPTION_KEY: /);
    expect(found[0]).toContain("openssl rand -base64 32");
    expect(found[0]).not.toContain(key);
    expect(found[0]).not.toContain(Buffer.from(key, "base64").toString("latin1"));
  });

  it("production starts with a random key", () => {
    expect(configProblems({ ...production, ENCRYPTION_KEY: randomBytes(32).toString("base64") })).toEqual([]);
  });
});
