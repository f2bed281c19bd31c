/**
 * Swedish texts the validation service answers a login with (RADIUS Reply-Message, which
 * NetScaler shows on the login page). Each fits one Reply-Message (253 octets of UTF-8).
 * "Unknown user" reads like "wrong password", so the login page does not tell an attacker
 * which account names exist; the audit trail keeps the real reason.
 */
export const validationSv = {
  "validation.challenge": "Ange engångskoden från Microsoft Authenticator.",
  "validation.reject.wrongCode": "Fel kod. Vänta på nästa kod och försök igen.",
  "validation.reject.replay": "Koden är redan använd. Vänta på nästa kod och försök igen.",
  "validation.reject.locked": "För många fel koder. Försök igen om en stund eller kontakta IT-supporten.",
  "validation.reject.noToken": "Ingen Microsoft Authenticator är registrerad för kontot. Registrera i Teams-boten.",
  "validation.reject.disabled": "Kontot är inaktiverat. Kontakta IT-supporten.",
  "validation.reject.accountLocked": "Kontot är låst efter för många misslyckade inloggningar. Vänta en stund eller kontakta IT-supporten.",
  "validation.reject.notEligible": "Kontot får inte logga in med engångskod. Kontakta IT-supporten.",
  "validation.reject.unknownUser": "Fel användarnamn eller lösenord.",
  "validation.reject.throttled": "För många inloggningsförsök just nu. Vänta en stund och försök igen.",
  "validation.reject.wrongPassword": "Fel användarnamn eller lösenord.",
  "validation.reject.wrongPasswordOrCode":
    "Fel lösenord eller kod. Skriv lösenordet och direkt efter det den sexsiffriga koden som appen visar nu.",
  "validation.reject.passwordExpired": "Lösenordet måste bytas. Byt lösenord och logga in igen.",
  "validation.reject.challengeExpired": "Inloggningen tog för lång tid. Börja om från början.",
  "validation.reject.temporaryAccessExpired": "Den tillfälliga koden har gått ut. Kontakta IT-supporten.",
  "validation.reject.badRequest": "Inloggningen saknar användarnamn eller kod. Försök igen.",
};

export type ValidationMessageKey = keyof typeof validationSv;
