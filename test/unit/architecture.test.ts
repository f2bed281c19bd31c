/**
 * The layout's rules (docs/ARCHITECTURE.md), read from the import statements of src/:
 * features and ports import no SDK, only src/bot/edge imports botbuilder, ports import only
 * ports (and the i18n types), and no file imports itself through others.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const src = join(root, "src");

/** Libraries that talk to the outside world: only adapters, the edge and the entry points may use them. */
const SDKS = [
  /^botbuilder/,
  /^restify/,
  /^ldapts$/,
  /^pg$/,
  /^better-sqlite3$/,
  /^kysely$/,
  /^@azure\//,
  /^otplib$/,
  /^@otplib\//,
  /^radius$/,
  /^adaptivecards$/,
  /^node:(http|https|net|dgram|child_process)$/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module a file names in `import … from`, `export … from`, `import "…"` or `import("…")`. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"/gms),
    ...text.matchAll(/^\s*import\s*"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ];
  return [...new Set(found.map((m) => m[1]!))];
}

const files = sourceFiles(src);
const rel = (file: string) => relative(src, file);
const imports = new Map(files.map((file) => [rel(file), specifiers(file)]));
/** The src files a file imports (relative specifiers, .js → .ts). */
const graph = new Map(
  files.map((file) => [
    rel(file),
    (imports.get(rel(file)) ?? []).filter((s) => s.startsWith(".")).map((s) => rel(resolve(dirname(file), s.replace(/\.js$/, ".ts")))),
  ]),
);

function violations(inFolder: (file: string) => boolean, forbidden: (specifier: string, target: string) => boolean): string[] {
  return [...graph.keys()]
    .filter(inFolder)
    .flatMap((file) =>
      (imports.get(file) ?? [])
        .filter((s) => forbidden(s, s.startsWith(".") ? rel(resolve(src, dirname(file), s.replace(/\.js$/, ".ts"))) : s))
        .map((s) => `${file} → ${s}`),
    );
}

describe("architecture", () => {
  it("reads the tree", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get("bot/edge/teams-bot.ts")).toContain("features/shared/route.ts");
  });

  it("features (domain, routes, views) and ports import no SDK", () => {
    const isSdk = (s: string) => SDKS.some((sdk) => sdk.test(s));
    expect(
      violations(
        (f) => f.startsWith("features/") || f.startsWith("ports/"),
        (s) => isSdk(s),
      ),
    ).toEqual([]);
  });

  it("nothing outside src/bot/edge imports botbuilder", () => {
    expect(
      violations(
        (f) => !f.startsWith("bot/edge/"),
        (s) => /^botbuilder/.test(s),
      ),
    ).toEqual([]);
  });

  it("features import no adapter, edge, HTTP or RADIUS code", () => {
    expect(
      violations(
        (f) => f.startsWith("features/"),
        (_s, target) => /^(adapters|bot|http|radius|campaign)\//.test(target) || target === "main.ts",
      ),
    ).toEqual([]);
  });

  it("ports import only ports and the i18n types: no feature, no implementation", () => {
    expect(
      violations(
        (f) => f.startsWith("ports/"),
        (s, target) => !s.startsWith(".") || !(target.startsWith("ports/") || target === "i18n/messages.ts"),
      ),
    ).toEqual([]);
  });

  it("has no import cycles", () => {
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "visiting");
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
