/** Swedish texts of the answers and help cards (spread into sv.ts). */
export const helpSv = {
  "help.title": "Behöver du hjälp?",
  "help.expand": "Visa hjälp",
  "help.contactHelpdesk": "Kontakta IT-supporten",
  "help.didItHelp": "Hjälpte det här?",
  "help.yes": "Ja",
  "help.no": "Nej",
  "help.thanks": "Tack för svaret!",
  "help.thanksNotHelpful": "Tack för svaret. Vill du att IT-supporten hör av sig? Tryck på knappen nedan.",
  "help.feedbackAlreadyGiven": "Du har redan svarat på den här artikeln. Tack!",
  "help.noAnswer": "Det har jag tyvärr inget bra svar på. Jag kan skicka din fråga till IT-supporten, så hör de av sig här i chatten.",
  "help.yourQuestion": "Din fråga: {question}",
  "help.topicsTitle": "Vad behöver du hjälp med?",
  "help.topicsBody": "Välj ett ämne, eller skriv din fråga med egna ord.",
  "help.startEnrollment": "Koppla Microsoft Authenticator",
  "help.articleMissing": "Den artikeln finns inte längre. Skriv din fråga med egna ord.",
} as const;
