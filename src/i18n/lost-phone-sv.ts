/** Swedish texts of the employee's own "I lost my phone" (spread at the end of sv.ts). */
export const lostPhoneSv = {
  "lostPhone.title": "Spärra din borttappade telefon",
  "lostPhone.intro":
    "Jag spärrar din Microsoft Authenticator direkt, så att ingen kan logga in med koderna från telefonen. Bekräfta med ditt lösenord (samma som när du loggar in på datorn). Inget sms behövs.",
  "lostPhone.password": "Lösenord",
  "lostPhone.block": "Spärra nu",
  "lostPhone.blockFromArticle": "Spärra min telefon nu",
  "lostPhone.blocked":
    "Klart: Microsoft Authenticator på {device} är spärrad och dess koder fungerar inte längre. IT-supporten har fått ett ärende och kan ge dig en tillfällig kod så att du kan jobba under tiden.",
  "lostPhone.wrongPassword": "Fel lösenord. Ingenting är spärrat; försök igen.",
  "lostPhone.noToken": "Du har ingen aktiv Microsoft Authenticator, så det finns inget att spärra.",
  "lostPhone.enrollNew": "Koppla en ny telefon",
  "lostPhone.enrollNewHint": "När du har en ny telefon: koppla den här. Du får ett sms till mobilnumret i personalkatalogen, som vanligt.",
  "lostPhone.ticketReason": "Tappad telefon: Authenticator spärrad av användaren själv",
};
