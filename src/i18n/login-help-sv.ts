/** "Varför kan jag inte logga in?": what the validation log says about the employee's own last logins. */
export const loginHelpSv = {
  "loginHelp.title": "Det här ser jag om dina senaste inloggningar",
  "loginHelp.locked":
    "Din Microsoft Authenticator är spärrad efter för många fel koder till kl. {time}. Vänta till dess, eller be IT-supporten ta bort spärren.",
  "loginHelp.noToken":
    "Du har ingen aktiv Microsoft Authenticator registrerad, så inga koder kan godkännas. Skriv **registrera** så går vi igenom det.",
  "loginHelp.noAttempt":
    "Ingen inloggning med engångskod från dig har nått oss det senaste dygnet. Kontrollera att du använder rätt adress till Citrix och att du valt inloggning med engångskod.",
  "loginHelp.accepted":
    "Din senaste inloggning kl. {time} godkändes. Fungerar det inte nu, använd koden som appen visar just nu och försök igen.",
  "loginHelp.replay":
    "Ditt senaste försök kl. {time} använde en kod som redan hade använts. Vänta tills appen visar nästa kod och försök igen.",
  "loginHelp.clockAhead":
    "Ditt senaste försök kl. {time} nekades: klockan i din telefon går ungefär {minutes} före. Ställ in automatisk tid: Inställningar → Allmänt → Datum och tid (iPhone) eller Inställningar → Datum och tid → Ställ in automatiskt (Android).",
  "loginHelp.clockBehind":
    "Ditt senaste försök kl. {time} nekades: klockan i din telefon går ungefär {minutes} efter. Ställ in automatisk tid: Inställningar → Allmänt → Datum och tid (iPhone) eller Inställningar → Datum och tid → Ställ in automatiskt (Android).",
  "loginHelp.wrongCode":
    "Ditt senaste försök kl. {time} hade fel kod. Använd koden för ditt jobbkonto i Microsoft Authenticator, den som visas just nu.",
  "loginHelp.disabled": "Ditt konto är inaktiverat eller har gått ut. Kontakta IT-supporten.",
  "loginHelp.temporaryAccessExpired": "Din tillfälliga kod har gått ut. Kontakta IT-supporten för en ny, eller registrera din nya telefon.",
  "loginHelp.other": "Ditt senaste försök kl. {time} nekades: {reason}.",
  "unit.minute.one": "{count} minut",
  "unit.minute.other": "{count} minuter",
};
