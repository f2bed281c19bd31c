/** Notices in the employee's own chat about their account (also sent as SMS where the issue says so). */
export const noticesSv = {
  "notice.tokenLocked":
    "Din Microsoft Authenticator har spärrats till kl. {time} efter för många fel koder vid inloggningen. Var det inte du? Kontakta IT-supporten direkt.",
  "notice.newAuthenticator":
    "En ny Microsoft Authenticator ({device}) kopplades till ditt konto {time}. Koderna från en tidigare telefon fungerar inte längre. Var det inte du? Kontakta IT-supporten direkt.",
  "notice.tokenRevoked":
    "Din Microsoft Authenticator ({device}) spärrades {time}. Koderna från den fungerar inte längre. Skriv **registrera** för att koppla en ny telefon.",
  "notice.contactHelpdesk": "Kontakta IT-supporten",
};
