/** Notices in the employee's own chat about their account (also sent as SMS where the issue says so). */
export const noticesSv = {
  "notice.tokenLocked":
    "Din Microsoft Authenticator har spärrats till kl. {time} efter för många fel koder vid inloggningen. Var det inte du? Kontakta IT-supporten direkt.",
};
