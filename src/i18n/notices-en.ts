import type { noticesSv } from "./notices-sv.js";

export const noticesEn: Record<keyof typeof noticesSv, string> = {
  "notice.tokenLocked": "Your Microsoft Authenticator has been locked until {time} after too many wrong codes at login. Was it not you? Contact the IT helpdesk right away.",
};
