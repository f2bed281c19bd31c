/**
 * One full enrollment through the real Microsoft 365 Agents Playground (the Teams-like web
 * client) in headless Debian Chromium, looked at as a desktop user (1280 px) and as a phone
 * user (390 px) at every step: install greeting → "hej" (Swedish words beat the playground's
 * en-US locale) → AD password (after one wrong one) → SMS code (read from the outbox) →
 * device name → QR, its "I'm on my phone" key view → a greeting mid-way (the old QR card is
 * replaced by updateActivity) → the QR from the resume card (decoded, code computed with
 * otplib) → done. At 390 px no card may overflow sideways and no button title may be cut.
 * Screenshots of every step at both widths go to test-results/playground/ (git-ignored).
 * The bot runs from source (tsx) as a child process on a free port with a temp DATA_DIR.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQRImport from "jsqr";
import { generateSync } from "otplib";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, repoRoot, startBot, startPlayground, type Bot, type Playground } from "../../scripts/lib/local-stack.js";
import { sv } from "../../src/i18n/sv.js";
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
/** Where the screenshots go (README, "Tests and CI"). */
const SHOTS_DIR = join(repoRoot, "test-results", "playground");
const DESKTOP = { width: 1280, height: 1100 };
const PHONE = { width: 390, height: 844 };
/**
 * The width Teams mobile gives a card on a 390 px phone. The playground's own page does not
 * shrink below desktop width (its chat column stays wide), so at phone width each card is given
 * this width, as Teams mobile would, and the test checks that nothing inside it overflows.
 */
const PHONE_CARD_WIDTH = 340;
const PHONE_CARD_STYLE = `html.phone-width .ac-adaptiveCard { width: ${PHONE_CARD_WIDTH}px !important; max-width: ${PHONE_CARD_WIDTH}px !important; box-sizing: border-box; }`;

/** What overflows sideways in the cards: a card that scrolls, an element past a card's edge, a cut button title. */
function overflowIn(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${(el.textContent ?? "").slice(0, 40)}"`;
    for (const card of document.querySelectorAll<HTMLElement>(".ac-adaptiveCard")) {
      const box = card.getBoundingClientRect();
      if (card.scrollWidth > card.clientWidth + 1) problems.push(`card scrolls sideways: ${describe(card)}`);
      for (const el of card.querySelectorAll<HTMLElement>("*")) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && el.checkVisibility() && r.right > box.right + 1) problems.push(`past the card's edge: ${describe(el)}`);
      }
      for (const button of card.querySelectorAll<HTMLElement>("button")) {
        if (button.checkVisibility() && button.scrollWidth > button.clientWidth + 1) problems.push(`button title cut: ${describe(button)}`);
      }
    }
    return problems;
  });
}

describe.skipIf(!chromiumPath)("Agents Playground in headless Chromium: a full enrollment at desktop and phone width", () => {
  let workDir = "";
  let dataDir = "";
  let bot: Bot | undefined;
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "otp-playground-test-"));
    dataDir = join(workDir, "data");
    rmSync(SHOTS_DIR, { recursive: true, force: true });
    mkdirSync(SHOTS_DIR, { recursive: true });
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
    const context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.allSettled([playground?.stop(), bot?.stop()]);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  /** The enrollment's card, found by the title of the step it shows: every step replaces it in place. */
  let flowCard: Locator;
  const card = (): Locator => flowCard;
  const allCards = (): Locator => page.locator(".ac-adaptiveCard");

  /** An Adaptive Card input by its label (not getByLabel: "Reveal password" matches too). */
  const field = (label: string): Locator => card().getByRole("textbox", { name: label });
  const button = (title: string): Locator => card().getByRole("button", { name: title, exact: true });

  async function waitForCard(title: string): Promise<Locator> {
    flowCard = allCards().filter({ hasText: title }).last();
    await flowCard.waitFor({ timeout: STEP_TIMEOUT });
    return flowCard;
  }

  async function say(text: string): Promise<void> {
    const messageBox = page.locator("[data-lexical-editor=true]");
    await messageBox.click();
    await page.keyboard.type(text);
    await page.keyboard.press("Enter");
  }

  async function smsCodes(): Promise<string[]> {
    const text = await readFile(join(dataDir, "sms-outbox.jsonl"), "utf8").catch(() => "");
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { text: string }).text)
      .flatMap((message) => /\b(\d{6})\b/.exec(message)?.[1] ?? []);
  }

  /**
   * The step as a desktop and as a phone user sees it: a screenshot at each width; at phone width
   * nothing overflows. The playground renders its cards anew when the window is resized, which
   * resets toggled parts: `again` toggles them again at phone width.
   */
  async function step(name: string, again?: () => Promise<void>): Promise<void> {
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLImageElement>(".ac-adaptiveCard img")].every((img) => img.complete && img.naturalWidth > 0),
      undefined,
      { timeout: STEP_TIMEOUT },
    );
    await page.screenshot({ path: join(SHOTS_DIR, `${name}-1280.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.evaluate(() => document.documentElement.classList.add("phone-width"));
    await again?.();
    await flowCard.screenshot({ path: join(SHOTS_DIR, `${name}-390.png`) });
    expect(await overflowIn(page), `${name} at 390 px`).toEqual([]);
    await page.evaluate(() => document.documentElement.classList.remove("phone-width"));
    await page.setViewportSize(DESKTOP);
    await nextFrames();
  }

  /** Two animation frames: the playground re-renders its cards after a resize. */
  function nextFrames(): Promise<void> {
    return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  }

  /** Types into a card's field until the value holds (a re-render after a resize can clear a value typed into the old card). */
  async function fillField(label: string, value: string): Promise<void> {
    await expect
      .poll(
        async () => {
          await field(label).fill(value);
          await nextFrames();
          return field(label).inputValue();
        },
        { timeout: STEP_TIMEOUT },
      )
      .toBe(value);
  }

  it("enrolls in Swedish, shows every card whole on a phone, and leaves no password or QR behind", async () => {
    if (!playground || !bot) throw new Error("not started");
    await page.goto(playground.url);
    await page.addStyleTag({ content: PHONE_CARD_STYLE });
    await page.locator("[data-lexical-editor=true]").waitFor({ timeout: STEP_TIMEOUT });

    // 1. The install greeting (the playground adds the bot when the page opens; its conversationUpdate
    //    carries no locale, so Swedish), then "hej": no second welcome card, a line pointing to it.
    await allCards().first().waitFor({ timeout: STEP_TIMEOUT });
    await say("hej");
    await page
      .getByText(sv["welcome.above"].split("**")[0] ?? "")
      .last()
      .waitFor({ timeout: STEP_TIMEOUT });
    await waitForCard(sv["welcome.title"]);
    await expect.poll(() => allCards().filter({ hasText: sv["welcome.title"] }).count()).toBe(1);
    expect(await allCards().count()).toBe(1);
    await step("01-welcome");
    await button(sv["welcome.start"]).click();

    // 2. Identity, username pre-filled from the directory; a wrong password first: the same card, the reason on top.
    await waitForCard(sv["identity.title"]);
    expect(await field(sv["identity.username"]).inputValue()).toBe(USERNAME);
    await fillField(sv["identity.password"], "not-the-password");
    await button(sv["identity.submit"]).click();
    await card()
      .getByText(sv["error.wrongPassword"].split("{")[0] ?? "")
      .waitFor({ timeout: STEP_TIMEOUT });
    expect(await field(sv["identity.password"]).inputValue()).toBe("");
    await step("02-identity-refused");
    await fillField(sv["identity.password"], PASSWORD);
    await button(sv["identity.submit"]).click();

    // 3. SMS code, masked number, the number pad on phones.
    const smsCard = await waitForCard(sv["sms.title"]);
    await expect.poll(smsCodes, { timeout: STEP_TIMEOUT }).toHaveLength(1);
    expect(await smsCard.innerText()).toMatch(/\+46 70 \*\*\* \*\* \d\d/);
    expect(await field(sv["sms.code"]).getAttribute("type")).toBe("tel");
    await step("03-sms");
    await fillField(sv["sms.code"], (await smsCodes())[0] ?? "");
    await button(sv["sms.submit"]).click();

    // 4. Device name: the suggestion (the playground says it is a web client: no phone to name).
    await waitForCard(sv["device.title"]);
    expect(await field(sv["device.label"]).inputValue()).toBe(sv["device.suggestion"]);
    await step("04-device");
    await button(sv["device.submit"]).click();

    // 5. QR, then the phone path: the key and the taps instead of the QR.
    const qrCard = await waitForCard(sv["qr.title"]);
    const firstQr = qrCard.locator('img[src^="data:image/png;base64,"]');
    await firstQr.waitFor({ timeout: STEP_TIMEOUT });
    expect(await firstQr.getAttribute("alt")).toContain(USERNAME);
    await step("05-qr");
    const onPhone = async () => {
      await button(sv["qr.onPhone"]).click();
      await card().getByText(sv["qr.keyLabel"], { exact: true }).last().waitFor({ timeout: STEP_TIMEOUT });
      expect(await firstQr.isVisible()).toBe(false);
    };
    await onPhone();
    const key = (await qrCard.innerText()).match(/(?:[A-Z2-7]{4} ){7}[A-Z2-7]{4}/)?.[0];
    expect(key, "the key, in groups of four").toBeDefined();
    await step("06-qr-on-phone", onPhone);

    // 6. A greeting mid-way: a resume card, and the QR card above is replaced (no QR, no key left there).
    await say("hej");
    const resume = allCards().filter({ hasText: sv["qr.show"] }).last();
    await resume.waitFor({ timeout: STEP_TIMEOUT });
    await allCards().filter({ hasText: sv["qr.expiredTitle"] }).first().waitFor({ timeout: STEP_TIMEOUT });
    expect(await page.locator(".ac-adaptiveCard img").count()).toBe(0);
    expect((await page.locator("body").innerText()).replace(/\s+/g, "")).not.toContain(key?.replace(/ /g, ""));
    flowCard = resume;
    await step("07-resumed");
    await button(sv["qr.show"]).click();

    // 7. The QR from the resume card: decode it, type the code, activate.
    const shown = await waitForCard(sv["qr.title"]);
    const qrImage = shown.locator('img[src^="data:image/png;base64,"]');
    await qrImage.waitFor({ timeout: STEP_TIMEOUT });
    const src = (await qrImage.getAttribute("src")) ?? "";
    const png = PNG.sync.read(Buffer.from(src.slice("data:image/png;base64,".length), "base64"));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded, "the QR image decodes").not.toBeNull();
    const uri = new URL(decoded?.data ?? "");
    expect(uri.protocol).toBe("otpauth:");
    expect(decodeURIComponent(uri.pathname)).toContain(USERNAME);
    const secret = uri.searchParams.get("secret") ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(secret).toBe(key?.replace(/ /g, "")); // the same secret as the key shown before
    await fillField(sv["qr.codeLabel"], generateSync({ secret }));
    await button(sv["qr.submit"]).click();

    // 8. Done; nothing of the password or the QR is left anywhere in the page.
    await waitForCard(sv["done.title"]);
    await step("08-done");
    expect(await page.locator(".ac-adaptiveCard img").count()).toBe(0);
    expect(await page.locator("input[type=password]").count()).toBe(0);
    const html = await page.content();
    expect(html).not.toContain(PASSWORD);
    expect(html).not.toContain(secret);
    expect(html).not.toContain(src.slice("data:image/png;base64,".length));
    console.log(`screenshots: ${SHOTS_DIR}`);
  }, 180_000);
});
