import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/adapters/demo-directory.js";
import { KnowledgeBase, loadKnowledgeArticles } from "../../src/features/help/knowledge/index.js";
import { findAssetDir } from "../../src/config/asset-dir.js";
import { alex, harness } from "./enrollment-harness.js";

describe("contextual help on the step cards", () => {
  it("offers the wrong-password article from the second wrong password, and account-locked when blocked", async () => {
    const h = harness();
    let view = await h.walk("identity");
    view = await h.service.submitIdentity(alex, view.flowId, "alexw", "wrong");
    expect(view.helpArticleId).toBeUndefined();
    view = await h.service.submitIdentity(alex, view.flowId, "alexw", "wrong");
    expect(view.helpArticleId).toBe("wrong-password");
    for (let i = 0; i < 3; i++) view = await h.service.submitIdentity(alex, view.flowId, "alexw", "wrong");
    expect(view.helpArticleId).toBe("account-locked");
  });

  it("offers wrong-mobile when the directory has no number", async () => {
    const h = harness();
    const adele = { ...alex, userKey: "aad-adele", upn: "adelev@example.com" };
    const view = await h.service.start(adele);
    expect((await h.service.submitIdentity(adele, view.flowId, "adelev", DEMO_PASSWORD)).helpArticleId).toBe("wrong-mobile");
  });

  it("offers code-rejected from the second wrong app code, and qr-scan when the QR card sat for 3 minutes", async () => {
    const h = harness();
    const view = await h.walk("qr");
    const wrong = h.totp.codeAt(view.qr!.secret, new Date(h.clock.now().getTime() + 3_600_000));
    expect((await h.service.confirm(alex, view.flowId, wrong)).helpArticleId).toBeUndefined();
    expect((await h.service.confirm(alex, view.flowId, wrong)).helpArticleId).toBe("code-rejected");
    h.clock.advance(181);
    expect((await h.service.greet(alex)).helpArticleId).toBe("qr-scan");
  });

  it("only names articles that exist in the knowledge base, in both languages", async () => {
    const kb = new KnowledgeBase(loadKnowledgeArticles(findAssetDir("knowledge", "sv")));
    const { readFileSync } = await import("node:fs");
    const read = (file: string) => readFileSync(new URL(`../../src/features/enrollment/${file}`, import.meta.url), "utf8");
    // The rules by refusal (contextual-help.ts) and by step (the stuckHelp of steps.ts).
    const ids = [...read("contextual-help.ts").matchAll(/return "([a-z-]+)"/g), ...read("steps.ts").matchAll(/\? "([a-z-]+)" :/g)].map(
      (m) => m[1]!,
    );
    expect(ids).toContain("qr-scan");
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) for (const locale of ["sv", "en"] as const) expect(kb.get(locale, id), `${locale}/${id}`).toBeDefined();
  });
});
