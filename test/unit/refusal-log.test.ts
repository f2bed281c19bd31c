import pino from "pino";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { RefusalLog } from "../../src/http/refusal-log.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()),
  });
  return { lines, logger: pino({ level: "info" }, stream) };
}

describe("refusal log", () => {
  it("logs a reason once per window, then how many were not logged", async () => {
    const { lines, logger } = capture();
    let now = 0;
    const log = new RefusalLog(logger, 60_000, () => now);
    for (let i = 0; i < 5; i++) log.note("signature");
    now = 59_999;
    log.note("signature");
    now = 60_000;
    log.note("signature");
    log.note("signature");
    now = 200_000;
    log.note("signature");
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l.reason, l.suppressed, l.msg])).toEqual([
      ["signature", 0, "request refused: not authenticated"],
      ["signature", 5, "request refused: not authenticated"],
      ["signature", 1, "request refused: not authenticated"],
    ]);
  });

  it("keeps reasons apart, and unreadable signing keys are an error", async () => {
    const { lines, logger } = capture();
    const log = new RefusalLog(logger, 60_000, () => 0);
    for (const reason of ["expired", "algorithm", "expired", "keys-unavailable"]) log.note(reason);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l.reason, l.level])).toEqual([
      ["expired", 40],
      ["algorithm", 40],
      ["keys-unavailable", 50],
    ]);
  });
});
