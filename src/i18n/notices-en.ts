import type { noticesSv } from "./notices-sv.js";

export const noticesEn: Record<keyof typeof noticesSv, string> = {
  "notice.tokenLocked":
    "Your Microsoft Authenticator has been locked until {time} after too many wrong codes at login. Was it not you? Contact the IT helpdesk right away.",
  "notice.newAuthenticator":
    "A new Microsoft Authenticator ({device}) was connected to your account at {time}. Codes from an earlier phone no longer work. Was it not you? Contact the IT helpdesk right away.",
  "notice.tokenRevoked":
    "Your Microsoft Authenticator ({device}) was blocked at {time}. Its codes no longer work. Type **enroll** to connect a new phone.",
  "notice.contactHelpdesk": "Contact the IT helpdesk",
};
