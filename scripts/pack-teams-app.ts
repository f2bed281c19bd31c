/**
 * Packs the Teams app (manifest + icons) into a zip to upload in the Teams admin center:
 *   MICROSOFT_APP_ID=<bot app id> [TEAMS_APP_ID=<guid>] [APP_VERSION=1.0.0] npm run pack:teams-app
 * Writes dist/teams-app.zip (or TEAMS_APP_OUT). TEAMS_APP_ID defaults to the bot's app id.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { zipSync } from "fflate";

const root = resolve(import.meta.dirname, "..");
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function setting(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (!value) {
    console.error(`${name} is not set. Usage: MICROSOFT_APP_ID=<guid> npm run pack:teams-app`);
    process.exit(2);
  }
  return value;
}

const appId = setting("MICROSOFT_APP_ID");
const values: Record<string, string> = {
  MICROSOFT_APP_ID: appId,
  TEAMS_APP_ID: setting("TEAMS_APP_ID", appId),
  APP_VERSION: setting("APP_VERSION", "1.0.0"),
};
for (const name of ["MICROSOFT_APP_ID", "TEAMS_APP_ID"]) {
  if (!guid.test(values[name]!)) {
    console.error(`${name} must be a GUID (the Azure Bot's Microsoft App ID).`);
    process.exit(2);
  }
}
if (!/^\d+\.\d+\.\d+$/.test(values.APP_VERSION!)) {
  console.error("APP_VERSION must look like 1.0.0.");
  process.exit(2);
}

const template = readFileSync(join(root, "manifest/manifest.template.json"), "utf8");
const manifest = template.replace(/\$\{(\w+)\}/g, (_whole, name: string) => values[name] ?? "");
JSON.parse(manifest); // fails loudly if the substitution broke the JSON

const zip = zipSync({
  "manifest.json": new TextEncoder().encode(manifest),
  "color.png": readFileSync(join(root, "manifest/color.png")),
  "outline.png": readFileSync(join(root, "manifest/outline.png")),
});
const out = resolve(process.env.TEAMS_APP_OUT ?? join(root, "dist/teams-app.zip"));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, zip);
console.log(`Wrote ${out} (upload it in Teams admin center → Manage apps → Upload).`);
