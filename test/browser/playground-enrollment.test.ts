/**
 * One full enrollment through the real Microsoft 365 Agents Playground (the Teams-like web
 * client) in headless Debian Chromium: "hej" → welcome → AD password → SMS code (read from
 * the outbox) → device name → QR (decoded from the page, code computed with otplib) → done.
 * The bot runs from source (tsx) as a child process on a free port with a temp DATA_DIR.
 *
 * The playground sends `locale: "en-US"` on every activity (hard-coded in 0.2.28), so the
 * bot answers in English; the expected texts come from src/i18n/en.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQRImport from "jsqr";
import { generateSync } from "otplib";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, repoRoot, startBot, startPlayground, type Bot, type Playground } from "../../scripts/lib/local-stack.js";
import { en } from "../../src/i18n/en.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";

// jsqr is CommonJS: under NodeNext its types make the default import the module object,
// while at run time it is the function itself. Accept both.
const jsQR = ((jsQRImport as unknown as { default?: unknown }).default ?? jsQRImport) as typeof jsQRImport.default;

const chromiumPath = requireBinaryOrSkip("chromium");

/** MACHINE-NOTES: headless Debian Chromium, nothing that reaches the internet. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const USERNAME = "alexw";
const PASSWORD = "Passw0rd!";
const STEP_TIMEOUT = 20_000;

describe.skipIf(!chromiumPath)("Agents Playground in headless Chromium: a full enrollment", () => {
  let workDir = "";
  let dataDir = "";
  let shotsDir = "";
  let bot: Bot | undefined;
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "otp-playground-test-"));
    dataDir = join(workDir, "data");
    shotsDir = mkdtempSync(join(tmpdir(), "otp-playground-shots-"));
    bot = await startBot({
      command: [process.execPath, "--import", "tsx", "--disable-warning=DEP0111", join(repoRoot, "src/main.ts")],
      cwd: repoRoot,
      port: await freePort(),
      dataDir,
      env: { LOG_LEVEL: "warn" },
    });
    playground = await startPlayground({
      botEndpoint: bot.endpoint,
      port: await freePort(),
      cwd: workDir,
      logFile: join(workDir, "playground.log"),
    });
    browser = await chromium.launch({ executablePath: chromiumPath ?? undefined, args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.allSettled([playground?.stop(), bot?.stop()]);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  /**
   * The enrollment's card, found by the title of the step it shows: every step replaces it
   * in place. (The bot may also greet with a welcome card of its own when the playground
   * adds it to the chat; that one stays as it is.)
   */
  let flowCard: Locator;
  const card = (): Locator => flowCard;
  const allCards = (): Locator => page.locator(".ac-adaptiveCard");

  /** An Adaptive Card input by its label (not getByLabel: "Reveal password" matches too). */
  const field = (label: string): Locator => card().getByRole("textbox", { name: label });

  async function waitForCard(title: string): Promise<Locator> {
    flowCard = allCards().filter({ hasText: title }).last();
    await flowCard.waitFor({ timeout: STEP_TIMEOUT });
    return flowCard;
  }

  async function smsCodes(): Promise<string[]> {
    const text = await readFile(join(dataDir, "sms-outbox.jsonl"), "utf8").catch(() => "");
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { text: string }).text)
      .flatMap((message) => /\b(\d{6})\b/.exec(message)?.[1] ?? []);
  }

  async function shot(name: string): Promise<string> {
    const path = join(shotsDir, name);
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
    return path;
  }

  it("says hej, proves identity (after one wrong password) and SMS, scans the QR, activates, and leaves no password or QR behind", async () => {
    if (!playground || !bot) throw new Error("not started");
    await page.goto(playground.url);

    const messageBox = page.locator("[data-lexical-editor=true]");
    await messageBox.waitFor({ timeout: STEP_TIMEOUT });
    await messageBox.click();
    await page.keyboard.type("hej");
    await page.keyboard.press("Enter");

    // 1. Welcome (English: the playground's activities say locale en-US).
    await waitForCard(en["welcome.title"]);
    const cardsInChat = await allCards().count();
    await card().getByRole("button", { name: en["welcome.start"] }).click();

    // 2. Identity: replaces the welcome card in place.
    await waitForCard(en["identity.title"]);
    expect(await allCards().count()).toBe(cardsInChat);
    // A wrong password first: the same card comes back in place, with the reason, the
    // username kept and the password field empty.
    await field(en["identity.username"]).fill(USERNAME);
    await field(en["identity.password"]).fill("not-the-password");
    await card().getByRole("button", { name: en["identity.submit"], exact: true }).click();
    await card()
      .getByText(en["error.wrongPassword"].split("{")[0] ?? "")
      .waitFor({ timeout: STEP_TIMEOUT });
    expect(await allCards().count()).toBe(cardsInChat);
    expect(await field(en["identity.username"]).inputValue()).toBe(USERNAME);
    expect(await field(en["identity.password"]).inputValue()).toBe("");
    expect(await smsCodes()).toHaveLength(0);

    await field(en["identity.password"]).fill(PASSWORD);
    await card().getByRole("button", { name: en["identity.submit"], exact: true }).click();

    // 3. SMS code, sent to the directory's number and shown masked.
    const smsCard = await waitForCard(en["sms.title"]);
    await expect.poll(smsCodes, { timeout: STEP_TIMEOUT }).toHaveLength(1);
    const [smsCode] = await smsCodes();
    const smsText = await smsCard.innerText();
    expect(smsText).toMatch(/\+46 70 \*\*\* \*\* \d\d/);
    expect(smsText).not.toContain("+46701740605");
    await field(en["sms.code"]).fill(smsCode ?? "");
    await card().getByRole("button", { name: en["sms.submit"], exact: true }).click();

    // 4. Device name: accept the suggestion.
    await waitForCard(en["device.title"]);
    await expect(field(en["device.label"]).inputValue()).resolves.toBe(en["device.suggestion"]);
    await card().getByRole("button", { name: en["device.submit"], exact: true }).click();

    // 5. QR: decode the PNG from the page back to the otpauth URI.
    const qrCard = await waitForCard(en["qr.title"]);
    const qrImage = qrCard.locator('img[src^="data:image/png;base64,"]');
    await qrImage.waitFor({ timeout: STEP_TIMEOUT });
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLImageElement>(".ac-adaptiveCard img")].every((img) => img.complete && img.naturalWidth > 0),
      undefined,
      { timeout: STEP_TIMEOUT },
    );
    await shot("1-qr-step.png");
    const src = (await qrImage.getAttribute("src")) ?? "";
    const png = PNG.sync.read(Buffer.from(src.slice("data:image/png;base64,".length), "base64"));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded, "the QR image decodes").not.toBeNull();
    const uri = new URL(decoded?.data ?? "");
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toContain(USERNAME);
    const secret = uri.searchParams.get("secret") ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 20 random bytes, base32
    // The key for manual entry is on the card too (possibly grouped with spaces).
    expect((await qrCard.innerText()).replace(/\s+/g, "")).toContain(secret);

    await field(en["qr.codeLabel"]).fill(generateSync({ secret }));
    await card().getByRole("button", { name: en["qr.submit"], exact: true }).click();

    // 6. Done, and the QR card is gone from the chat (replaced in place).
    const doneCard = await waitForCard(en["done.title"]);
    expect(await doneCard.innerText()).toMatch(/Done|Klart/);
    await shot("2-done.png");

    expect(await allCards().count()).toBe(cardsInChat);
    expect(await page.locator(".ac-adaptiveCard img").count()).toBe(0); // no card keeps the QR
    expect(await page.locator("input[type=password]").count()).toBe(0);
    const chatText = await page.locator("body").innerText();
    expect(chatText).not.toContain(PASSWORD);
    expect(chatText.replace(/\s+/g, "")).not.toContain(secret);
    const html = await page.content();
    expect(html).not.toContain(PASSWORD);
    expect(html).not.toContain(secret);
    expect(html).not.toContain(src.slice("data:image/png;base64,".length)); // the QR, anywhere in the page
  }, 120_000);
});
