import { describe, expect, it } from "vitest";
import { helpdeskVerbs, renderTicketCard } from "../../src/features/helpdesk/ticket-card.js";
import type { TicketView } from "../../src/ports/ticket-view.js";
import { cardActions as actions, cardProblems as parse } from "../support/card-validation.js";
import { alexTicketFacts } from "../support/helpdesk-ticket.js";

const base: TicketView = {
  ticketId: "3f1c2a9e-0000-4000-8000-000000000001",
  ...alexTicketFacts,
  token: { status: "active", deviceName: "Jobbmobil", activatedAt: "2026-11-01T10:00:00.000Z" },
  logins: { lastAccepted: "2026-11-24T07:30:00.000Z", lastRefused: { at: "2026-11-25T08:55:00.000Z", reason: "replay" } },
  questions: [{ text: "Jag får inget sms *fet* [länk](https://evil.example)", at: "2026-11-25T09:00:00.000Z" }],
  createdAt: "2026-11-25T09:00:00.000Z",
  updatedAt: "2026-11-25T09:01:00.000Z",
};

const views: [string, TicketView][] = [
  ["open with a token", base],
  [
    "taken, refused action",
    { ...base, status: "taken", takenBy: "meganb@example.com", notice: { key: "helpdesk.notice.notMember", kind: "refusal" } },
  ],
  [
    "resolved",
    {
      ...base,
      status: "resolved",
      takenBy: "meganb@example.com",
      resolvedBy: "meganb@example.com",
      resolvedAt: "2026-11-25T10:00:00.000Z",
      notice: { key: "helpdesk.notice.resolved", kind: "info" },
    },
  ],
  [
    "no question, directory down, no token",
    {
      ...base,
      questions: [],
      directory: { found: "unavailable" },
      token: { status: "unknown" },
      logins: {},
      lastError: undefined,
      step: undefined,
      department: undefined,
    },
  ],
  [
    "disabled account without mobile",
    { ...base, directory: { found: "yes", account: "disabled", hasMobile: false }, token: { status: "none" } },
  ],
];

describe.each(["sv", "en"] as const)("helpdesk ticket card in %s", (locale) => {
  it.each(views)("%s is a valid Adaptive Card 1.5 with every placeholder filled", (_name, view) => {
    const card = renderTicketCard(view, locale);
    expect(card.version).toBe("1.5");
    expect(parse(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain("${");
    for (const action of actions(card).filter((a) => a.type === "Action.Execute")) {
      expect(helpdeskVerbs).toContain(action.verb);
      expect(action.data).toEqual({ ticketId: view.ticketId });
      expect(action.associatedInputs).toBe("none");
    }
    expect(actions(card).some((a) => a.type === "Action.Submit")).toBe(false);
  });

  it("offers the actions that fit the state", () => {
    const verbs = (view: TicketView) => actions(renderTicketCard(view, locale)).flatMap((a) => (a.verb ? [a.verb] : []));
    expect(verbs(base)).toEqual([
      "helpdesk.temporaryAccess",
      "helpdesk.take",
      "helpdesk.resolve",
      "helpdesk.clearLimits",
      "helpdesk.invite",
      "helpdesk.revokeToken",
    ]);
    expect(verbs({ ...base, status: "taken", takenBy: "meganb@example.com" })).not.toContain("helpdesk.take");
    expect(verbs({ ...base, token: { status: "none" } })).not.toContain("helpdesk.revokeToken");
    expect(verbs({ ...base, status: "resolved", resolvedBy: "meganb@example.com" })).toEqual([]);
  });

  it("names the helpdesk member by display name, and someone enrolled with no flow as enrolled, not 'not started'", () => {
    const taken = JSON.stringify(
      renderTicketCard({ ...base, status: "taken", takenBy: "meganb@example.com", takenByName: "Megan Bowen" }, locale),
    );
    expect(taken).toContain(locale === "sv" ? "Taget av Megan Bowen" : "Taken by Megan Bowen");
    expect(taken).not.toContain("meganb@example.com");
    const { step: _step, ...noFlow } = base;
    const enrolled = JSON.stringify(renderTicketCard(noFlow, locale));
    expect(enrolled).toContain(locale === "sv" ? "Registrerad (har en aktiv Authenticator)" : "Enrolled (has an active Authenticator)");
    expect(JSON.stringify(renderTicketCard({ ...noFlow, token: { status: "none" } }, locale))).toContain(
      locale === "sv" ? "Har inte börjat" : "Has not started",
    );
  });

  it("shows the facts in the helpdesk's language, the question as plain text, and no phone number", () => {
    const card = renderTicketCard(base, locale);
    const text = JSON.stringify(card);
    expect(text).toContain(locale === "sv" ? "Supportärende: Alex Wilber" : "Helpdesk request: Alex Wilber");
    expect(text).toContain(locale === "sv" ? "Fel kod. Du har … försök kvar." : "Wrong code. You have … attempts left.");
    expect(text).toContain(locale === "sv" ? "Aktiv på Jobbmobil sedan 1 nov. 2026" : "Active on Jobbmobil since 1 Nov 2026");
    expect(text).toContain("{{DATE(2026-11-25T09:00:00Z, SHORT)}}");
    // The employee's text is escaped Markdown (card-text.ts): no formatting, no link, the URL defanged.
    expect(card.body).toContainEqual(
      expect.objectContaining({
        items: expect.arrayContaining([
          { type: "TextBlock", text: "Jag får inget sms \\*fet\\* \\[länk\\]\\(https\\[:\\]//evil\\[.\\]example\\)", wrap: true },
        ]),
      }),
    );
    expect(text).not.toMatch(/\+46|0701/);
  });

  it("shows the last accepted and the last refused login, with the reason in words, in Swedish time", () => {
    const text = JSON.stringify(renderTicketCard(base, locale));
    // 07:30 and 08:55 UTC are 08:30 and 09:55 in Stockholm in November.
    expect(text).toContain(
      locale === "sv" ? '"title":"Senaste inloggning","value":"24 nov. 2026 08:30"' : '"title":"Last login","value":"24 Nov 2026 08:30"',
    );
    expect(text).toContain(locale === "sv" ? "25 nov. 2026 09:55: koden var redan använd" : "25 Nov 2026 09:55: the code was already used");
    const none = JSON.stringify(renderTicketCard({ ...base, logins: {} }, locale));
    expect(none).toContain(locale === "sv" ? "Ingen än" : "None yet");
  });
});
