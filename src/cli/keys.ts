/**
 * npm run keys -- rotate [--batch 50] [--retire-after-minutes 10]   new data key, every secret re-sealed
 * npm run keys -- reseal [--batch 50]                                  finish an interrupted rotation (no new key)
 * npm run keys -- status                                               data keys and how many rows each seals
 * npm run keys -- prune [--retire-after-minutes 10]                    delete superseded data keys nothing uses
 * Safe while the bot and the validation service run, and from several machines at once.
 */
import { keyRotationOf } from "../adapters/keys-from-config.js";
import { systemClock } from "../adapters/real-time.js";
import { option, runWithKeys } from "./open-with-keys.js";

const USAGE = "usage: npm run keys -- rotate|reseal|status|prune [--batch N] [--retire-after-minutes M]";

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new RangeError(`--${name} must be a whole number ≥ 0`);
  return parsed;
}

const [command, ...args] = process.argv.slice(2);
if (!["rotate", "reseal", "status", "prune"].includes(command ?? "")) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

await runWithKeys("keys", async ({ database, keys }) => {
  const rotation = keyRotationOf(database, keys, systemClock);
  const options = {
    batchSize: Math.max(1, positive(option(args, "batch"), 50, "batch")),
    retireAfterMs: positive(option(args, "retire-after-minutes"), 10, "retire-after-minutes") * 60_000,
    onBatch: ({ kind, resealed }: { kind: string; resealed: number }) =>
      void process.stdout.write(`  ${kind}s re-sealed so far: ${resealed}\n`),
  };
  if (command === "rotate") {
    const result = await rotation.rotate(options);
    process.stdout.write(
      `new data key ${result.newKeyId}; ${result.resealed} re-sealed; deleted: ${result.deleted.join(", ") || "none"}\n`,
    );
  } else if (command === "reseal") {
    process.stdout.write(`${(await rotation.reseal(options)).resealed} re-sealed onto ${keys.ring.currentKeyId}\n`);
  } else if (command === "prune") {
    process.stdout.write(`deleted: ${(await rotation.prune(options.retireAfterMs)).join(", ") || "none"}\n`);
  }
  for (const key of await rotation.status()) {
    const created = key.createdAt ? key.createdAt.toISOString() : key.id === "v1" ? "(before data keys)" : "(not in the database!)";
    process.stdout.write(
      `${key.current ? "*" : " "} ${key.id.padEnd(14)} ${created.padEnd(26)} tokens ${key.tokens}, unfinished enrollments ${key.enrollments}\n`,
    );
  }
  return 0;
});
