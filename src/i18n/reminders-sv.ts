/** Swedish texts of the reminder card and the delivery report (spread at the end of sv.ts). */
export const remindersSv = {
  "reminder.title": "Dags att koppla Microsoft Authenticator",
  "reminder.when": "{day} kl. {time}",
  "reminder.body":
    "För att logga in i Citrix och VPN utifrån behöver du engångskoder från appen Microsoft Authenticator. Det tar ungefär fem minuter och görs här i chatten.",
  "reminder.deadline": "Gör det senast {deadline}. Därefter fungerar inloggning utifrån bara med appen.",
  "reminder.snoozesLeft": "Du kan skjuta upp påminnelsen {left} gång(er) till.",
  "reminder.start": "Börja nu",
  "reminder.snooze": "Påminn mig senare",
  "reminder.cannot": "Jag kan inte",
  "reminder.reasonLabel": "Om du inte kan: vad hindrar dig? (valfritt)",
  "reminder.reasonPlaceholder": "Till exempel: jag har ingen smarttelefon",
  "reminder.snoozedTitle": "Okej, jag påminner dig senare",
  "reminder.snoozedBody": "Du får en ny påminnelse {when}.",
  "reminder.snoozeLimit": "Du har skjutit upp påminnelsen så många gånger som går. Börja gärna nu – det tar bara några minuter.",
  "reminder.cannotTitle": "Tack, IT-supporten hör av sig",
  "reminder.cannotBody": "Vi har skickat ditt ärende till IT-supporten. Du får inga fler påminnelser i den här omgången.",
  "reminder.unknownCampaign": "Den här påminnelsen hör till en kampanj som inte längre finns.",
  "reminder.report.title": "Påminnelser: {campaign}",
  "reminder.report.deadline": "Sista dag",
  "reminder.report.planned": "Planerade påminnelser",
  "reminder.report.sent": "Skickade",
  "reminder.report.failed": "Misslyckade",
  "reminder.report.inProgress": "Väntar på att skickas",
  "reminder.report.skippedEnrolled": "Redan registrerade",
  "reminder.report.notReachable": "Går inte att nå i Teams",
  "reminder.report.snoozed": "Har skjutit upp just nu",
  "reminder.report.cannot": "Kan inte (skickade till IT-supporten)",
  "reminder.report.lastRun": "Senaste körningen {when}: {audience} personer i målgruppen.",
  "reminder.report.neverRun": "Kampanjen har inte körts ännu.",
  "reminder.report.none": "Det finns inga påminnelsekampanjer ännu.",
  "reminder.report.notAllowed": "Leveransrapporten för påminnelser är bara för IT-supporten. Behöver du hjälp, skriv **hjälp**.",
  "reminder.report.directoryUnavailable":
    "Katalogen (AD) svarar inte just nu, så jag kan inte se om du får läsa rapporten. Försök igen om en stund.",
} as const;

export type ReminderMessageKey = keyof typeof remindersSv;
