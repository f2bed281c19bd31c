/** Swedish texts of the reminder card and the delivery report (spread at the end of sv.ts). */
export const remindersSv = {
  "reminder.title": "Dags att koppla Microsoft Authenticator",
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
} as const;

export type ReminderMessageKey = keyof typeof remindersSv;
