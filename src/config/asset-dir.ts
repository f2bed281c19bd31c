import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A folder shipped beside the code (cards/, knowledge/), found upwards from this file so it
 * works the same from src/ (tests) and dist/src/ (npm start).
 */
export function findAssetDir(name: string, marker: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, name, marker))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`The ${name}/ folder (with ${marker}) was not found above ${fileURLToPath(import.meta.url)}.`);
    dir = parent;
  }
  return join(dir, name);
}
