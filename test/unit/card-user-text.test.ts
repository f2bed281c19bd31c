/**
 * Text from people on cards is shown, never interpreted (security review, issue 9 item 5):
 * Adaptive Card TextBlocks and FactSet values render Markdown in Teams, so an employee's
 * question "[Reset your password here](https://evil.example/login)" would be a live link on
 * the helpdesk's ticket card. Every card that shows such text (an employee's question or
 * "I can't" reason, device names, names and departments from the directory, UPNs and login
 * names echoed back) is rendered here through the real templates, in both languages, with
 * Markdown link syntax, emphasis, list markers and a bare URL in every such field: they
 * must come out escaped, and the URL defanged so that no renderer can autolink it.
 */
import { describe, expect, it } from "vitest";
import { stepCardSettings } from "../support/step-card-settings.js";
import { renderStepCard } from "../../src/features/enrollment/step-cards.js";
import { cardIdentifier, cardParams, cardText, escapeMarkdown } from "../../src/features/shared/card-text.js";
import { renderNoAnswerCard } from "../../src/features/help/help-cards.js";
import { renderTicketCard } from "../../src/features/helpdesk/ticket-card.js";
import { renderReportCard } from "../../src/features/reminders/reminder-reports.js";
import type { TicketView } from "../../src/ports/ticket-view.js";
import type { CampaignReport } from "../../src/ports/reminders.js";
import type { Locale } from "../../src/i18n/messages.js";
import { cardProblems } from "../support/card-validation.js";

/** Free text: a phishing link, emphasis, a bare URL, and list markers at line starts. */
const FREE = "1. first\n- item\n[Reset your password here](https://evil.example/login) *now* _x_ www.evil.example";
/** An identifier (UPN, login name, campaign id) that carries Markdown anyway. */
const ID = "alex_w_*x*[a](b)";

const ESCAPED_FREE = [
  "1\\. first",
  "\\- item",
  "\\[Reset your password here\\]\\(https\\[:\\]//evil\\[.\\]example/login\\) \\*now\\* \\_x\\_ www\\[.\\]evil\\[.\\]example",
];
const ESCAPED_ID = "alex\\_w\\_\\*x\\*\\[a\\]\\(b\\)";

/** Every text a renderer treats as Markdown: TextBlock texts, Fact titles and values, TextRun texts. */
function renderedTexts(card: unknown): string[] {
  const texts: string[] = [];
  JSON.stringify(card, (_key, value: unknown) => {
    if (value && typeof value === "object") {
      const node = value as Record<string, unknown>;
      if ((node.type === "TextBlock" || node.type === "TextRun") && typeof node.text === "string") texts.push(node.text);
      if (typeof node.title === "string" && typeof node.value === "string" && node.type === undefined) texts.push(node.title, node.value);
    }
    return value;
  });
  return texts;
}

/** No live Markdown left from the hostile text, and its escaped form is what is shown. */
function expectInert(card: Record<string, unknown>, shows: { free?: boolean; id?: boolean }): void {
  expect(cardProblems(card)).toEqual([]);
  const texts = renderedTexts(card);
  const all = texts.join("\n");
  // No link syntax: an unescaped "](" (or "] (") after an unescaped "[".
  expect(all).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\s*\(/);
  // No bare URL or host a renderer could autolink.
  expect(all).not.toMatch(/https?:\/\/evil|(?<!\[)\.example/);
  // No unescaped emphasis or list marker from the hostile text.
  expect(all).not.toMatch(/(?<!\\)\*now|(?<!\\)_x(?<!\\)_/);
  expect(all).not.toMatch(/^(1\.|-) (first|item)/m);
  if (shows.free) for (const line of ESCAPED_FREE) expect(all).toContain(line);
  if (shows.id) expect(all).toContain(ESCAPED_ID);
}

function ticket(): TicketView {
  return {
    ticketId: "3f1c2a9e-0000-4000-8000-000000000001",
    status: "taken",
    takenBy: ID,
    upn: ID,
    displayName: FREE,
    loginName: ID,
    department: FREE,
    step: "sms",
    lastError: FREE,
    directory: { found: "yes", account: "enabled", hasMobile: true },
    logins: {},
    token: { status: "active", deviceName: FREE, activatedAt: "2026-11-01T10:00:00.000Z" },
    questions: [
      { text: FREE, at: "2026-11-25T09:00:00.000Z" },
      { text: `reminder campaign vt26: ${FREE}`, at: "2026-11-25T09:05:00.000Z" },
    ],
    createdAt: "2026-11-25T09:00:00.000Z",
    updatedAt: "2026-11-25T09:05:00.000Z",
    notice: { key: "helpdesk.notice.tokenRevoked", params: { device: FREE }, kind: "info" },
  };
}

const settings = stepCardSettings();

describe.each(["sv", "en"] as Locale[])("user text on cards is escaped (%s)", (locale) => {
  it("the helpdesk ticket card: questions, the 'I can't' reason, name, department, device, last error, notice, UPN, login, taker", () => {
    const card = renderTicketCard(ticket(), locale);
    expectInert(card, { free: true, id: true });
    const texts = renderedTexts(card);
    // Every free-text field is there, escaped: the two questions, name (title), department, last error, device (token fact, notice).
    expect(texts.filter((t) => t.includes(ESCAPED_FREE[2]!)).length).toBeGreaterThanOrEqual(7);
    // The card's own times are still Adaptive Card date functions.
    expect(JSON.stringify(card)).toContain("{{DATE(2026-11-25T09:00:00Z, SHORT)}}");
  });

  it("the no-answer card: the question shown back", () => {
    const card = renderNoAnswerCard(locale, FREE);
    expectInert(card, { free: true });
    // The button still carries the question as typed, for the ticket (escaped only when shown).
    expect(JSON.stringify(card)).toContain(JSON.stringify(FREE).slice(1, -1));
  });

  it("the done card: the device name", async () => {
    const card = await renderStepCard({ step: "done", flowId: "f", locale, deviceName: FREE }, settings);
    expectInert(card, { free: true });
    // The Citrix address from the configuration stays a link.
    expect(JSON.stringify(card)).toContain("https://citrix.regionjh.se");
  });

  it("the QR card: the login name in the account line", async () => {
    const qr = { uri: "otpauth://totp/x", secret: "JBSWY3DPEHPK3PXP", issuer: "Region JH", label: ID };
    const card = await renderStepCard({ step: "qr", flowId: "f", locale, qr }, settings);
    expectInert(card, { id: true });
  });

  it("the reminder delivery report: the campaign id", () => {
    const report: CampaignReport = {
      campaignId: ID,
      deadline: new Date("2026-03-31T21:59:59Z"),
      timeZone: "Europe/Stockholm",
      planned: 1,
      sent: 1,
      failed: 0,
      inProgress: 0,
      skippedEnrolled: 0,
      notReachable: 0,
      snoozed: 0,
      cannot: 0,
    };
    const card = renderReportCard(report, locale);
    expectInert(card, { id: true });
  });
});

describe("the escaping itself (src/features/shared/card-text.ts)", () => {
  it("escapes every Markdown character, line-start markers on every line, and leaves plain text alone", () => {
    expect(escapeMarkdown("# rubrik\n> citat\n+ punkt\n2) två\n3. tre\n===\n  4. indrag")).toBe(
      "\\# rubrik\n\\> citat\n\\+ punkt\n2\\) två\n3\\. tre\n\\===\n  4\\. indrag",
    );
    expect(escapeMarkdown("`kod` ~~struken~~ a|b !bild <at>Megan</at> &#91;x&#93;")).toBe(
      "\\`kod\\` \\~\\~struken\\~\\~ a\\|b \\!bild \\<at\\>Megan\\</at\\> \\&\\#91;x\\&\\#93;",
    );
    // Adaptive Cards' own {{DATE(…)}} function is not left for the renderer either.
    expect(escapeMarkdown("{{DATE(2026-01-01T00:00:00Z, SHORT)}}")).toBe("\\{\\{DATE\\(2026\\-01\\-01T00:00:00Z, SHORT\\)\\}\\}");
    expect(escapeMarkdown("C:\\temp")).toBe("C:\\\\temp");
    expect(escapeMarkdown("Jag får inget sms, vad gör jag? Åsa 12.30")).toBe("Jag får inget sms, vad gör jag? Åsa 12.30");
  });

  it("defangs URLs, host names and e-mail hosts in free text, not numbers or sentences", () => {
    expect(cardText("se https://evil.example/a?b=c och ftp://x.se")).toBe(
      "se https\\[:\\]//evil\\[.\\]example/a?b=c och ftp\\[:\\]//x\\[.\\]se",
    );
    expect(cardText("login-regionjh.se/reset, mail it@evil.example, exämple.nu")).toBe(
      "login\\-regionjh\\[.\\]se/reset, mail it@evil\\[.\\]example, exämple\\[.\\]nu",
    );
    expect(cardText("Version 17.2 kl. 08.30. Slut.")).toBe("Version 17.2 kl. 08.30. Slut.");
  });

  it("identifiers are escaped but keep their address; the bot's own values can be trusted", () => {
    expect(cardIdentifier("anna_b@regionjh.se")).toBe("anna\\_b@regionjh.se");
    expect(
      cardParams(
        { device: "_x_", by: "a_b@x.se", citrixUrl: "https://citrix.example", left: 2 },
        { by: "identifier", citrixUrl: "trusted" },
      ),
    ).toEqual({
      device: "\\_x\\_",
      by: "a\\_b@x.se",
      citrixUrl: "https://citrix.example",
      left: 2,
    });
  });

  it("escapes a placeholder's value once, and leaves the catalog's own Markdown alone", async () => {
    const card = await renderStepCard({ step: "done", flowId: "f", locale: "sv", deviceName: "Jobb_mobil" }, settings);
    expect(renderedTexts(card).join("\n")).toContain("Telefonen **Jobb\\_mobil** är nu kopplad");
  });
});
