import { describe, expect, it } from "vitest";
import { renderReminderCard, type ReminderCardView } from "../../src/features/reminders/reminder-card.js";
import { parseCampaign } from "../../src/features/reminders/campaign.js";
import { t } from "../../src/i18n/messages.js";
import { cardActions, cardProblems } from "../support/card-validation.js";

const campaign = parseCampaign({ id: "vt26", audience: { upns: ["a@x.se"] }, start: "2026-01-12", deadline: "2026-03-31" });
const withOverrides = parseCampaign({
  id: "vt26-pilot",
  audience: { upns: ["a@x.se"] },
  start: "2026-01-12",
  deadline: "2026-03-31",
  messages: { sv: { title: "Pilot: koppla appen", body: "Du är med i piloten." }, en: { title: "Pilot: connect the app" } },
});
const until = new Date("2026-01-19T07:00:00Z"); // Monday 08:00 in Stockholm

type Mode = ReminderCardView["mode"];
const views = (locale: "sv" | "en"): [string, ReminderCardView, Mode][] => [
  ["reminder with the snooze button", { mode: "reminder", locale, campaign, round: "0.0", snoozesLeft: 2 }, "reminder"],
  [
    "reminder without the snooze button (limit reached)",
    { mode: "reminder", locale, campaign, round: "1.3", snoozesLeft: 0, notice: "reminder.snoozeLimit" },
    "reminder",
  ],
  [
    "reminder with the campaign's own texts",
    { mode: "reminder", locale, campaign: withOverrides, round: "0.0", snoozesLeft: 3 },
    "reminder",
  ],
  ["snoozed", { mode: "snoozed", locale, campaign, until }, "snoozed"],
  ["cannot", { mode: "cannot", locale }, "cannot"],
  ["notice (unknown campaign)", { mode: "notice", locale, notice: "reminder.unknownCampaign" }, "notice"],
];

const texts = (card: Record<string, unknown>) => JSON.stringify(card);
const verbs = (card: Record<string, unknown>) => cardActions(card).flatMap((a) => (a.verb ? [a.verb] : []));

describe.each(["sv", "en"] as const)("reminder card in %s", (locale) => {
  it.each(views(locale))("%s is a valid Adaptive Card 1.5 with every placeholder filled", (_name, view) => {
    const card = renderReminderCard(view);
    expect(card.version).toBe("1.5");
    expect(cardProblems(card)).toEqual([]);
    expect(texts(card)).not.toMatch(/\{(deadline|left|when)\}/);
    for (const action of cardActions(card)) expect(["Action.Execute", "Action.ShowCard"]).toContain(action.type);
  });

  it("offers Start now, Remind me later (while snoozes are left) and I can't, whose reason box opens only when pressed", () => {
    const card = renderReminderCard({ mode: "reminder", locale, campaign, round: "0.0", snoozesLeft: 2 });
    expect(verbs(card)).toEqual(["enroll.start", "reminder.snooze", "reminder.cannot"]);
    const [start, snooze, cannotButton, cannot] = cardActions(card);
    // The free-text box is inside "I can't" (Action.ShowCard), not on the card itself.
    expect(cannotButton).toMatchObject({ type: "Action.ShowCard", title: t(locale, "reminder.cannot") });
    expect(JSON.stringify((card.body as unknown[]) ?? [])).not.toContain('"id":"reason"');
    expect(start).toMatchObject({ title: t(locale, "reminder.start"), associatedInputs: "none" });
    expect(snooze).toMatchObject({
      title: t(locale, "reminder.snooze"),
      data: { campaignId: "vt26", round: "0.0" },
      associatedInputs: "none",
    });
    expect(cannot).toMatchObject({
      title: t(locale, "reminder.cannotSend"),
      data: { campaignId: "vt26", round: "0.0" },
      associatedInputs: "auto",
    });
    expect(texts(card)).toContain(t(locale, "reminder.title"));
    expect(texts(card)).toContain(
      locale === "sv" ? "Du kan skjuta upp påminnelsen 2 gånger till." : "postpone this reminder 2 more times.",
    );
    const once = texts(renderReminderCard({ mode: "reminder", locale, campaign, round: "0.0", snoozesLeft: 1 }));
    expect(once).toContain(locale === "sv" ? "påminnelsen 1 gång till." : "postpone this reminder 1 more time.");
    expect(texts(card)).not.toMatch(/\(er\)|\(s\)/);
    expect(texts(card)).toContain(locale === "sv" ? "31 mars 2026" : "31 March 2026");
    expect(texts(card)).toContain('"id":"reason"');
  });

  it("leaves the snooze button out when no snooze is left, and says why", () => {
    const card = renderReminderCard({ mode: "reminder", locale, campaign, round: "1.3", snoozesLeft: 0, notice: "reminder.snoozeLimit" });
    expect(verbs(card)).toEqual(["enroll.start", "reminder.cannot"]);
    expect(texts(card)).toContain(t(locale, "reminder.snoozeLimit"));
    expect(texts(card)).not.toContain(t(locale, "reminder.snoozesLeft", { left: 0 }));
  });

  it("uses the campaign's own title and body for the language when given", () => {
    const card = texts(renderReminderCard({ mode: "reminder", locale, campaign: withOverrides, round: "0.0", snoozesLeft: 3 }));
    expect(card).toContain(locale === "sv" ? "Pilot: koppla appen" : "Pilot: connect the app");
    expect(card).toContain(locale === "sv" ? "Du är med i piloten." : t("en", "reminder.body"));
  });

  it("says when the snoozed reminder comes back, with Start now still there", () => {
    const card = renderReminderCard({ mode: "snoozed", locale, campaign, until });
    expect(verbs(card)).toEqual(["enroll.start"]);
    expect(texts(card)).toContain(locale === "sv" ? "måndag 19 januari kl. 08:00" : "Monday 19 January at 08:00");
    expect(texts(card)).not.toContain('"id":"reason"');
  });

  it("has no buttons after I can't, nor on a notice", () => {
    expect(verbs(renderReminderCard({ mode: "cannot", locale }))).toEqual([]);
    const notice = renderReminderCard({ mode: "notice", locale, notice: "reminder.unknownCampaign" });
    expect(verbs(notice)).toEqual([]);
    expect(texts(notice)).toContain(t(locale, "reminder.unknownCampaign"));
  });
});
