/** Swedish texts of the coverage report card (spread at the end of sv.ts). */
export const reportSv = {
  "report.title": "Täckning: Microsoft Authenticator",
  "report.notAllowed": "Täckningsrapporten är bara för IT-supporten. Behöver du hjälp, skriv **hjälp**.",
  "report.directoryUnavailable": "Katalogen (AD) svarar inte just nu, så jag kan inte ta fram rapporten. Försök igen om en stund.",
  "report.noEligibleGroup":
    "Ingen behörighetsgrupp är inställd (`LDAP_ELIGIBLE_GROUP_DN`), så siffrorna gäller alla som har börjat registrera sig eller loggat in.",
  "report.summary": "Översikt",
  "report.eligible": "Behöriga",
  "report.enrolled": "Registrerade (aktiv app)",
  "report.loggedIn": "Har loggat in minst en gång",
  "report.notEnrolled": "Inte registrerade än",
  "report.share": "{count} ({percent})",
  "report.funnel": "Vägen genom registreringen",
  "report.step.started": "Påbörjade",
  "report.step.identity": "Lösenord bekräftat",
  "report.step.sms": "Sms-kod bekräftad",
  "report.step.qrShown": "QR-kod visad",
  "report.step.activated": "Aktiverade",
  "report.step.firstLogin": "Första inloggning",
  "report.funnelValue": "{reached} · {dropped} stannade här",
  "report.reason.none": "inget fel",
  "report.departments": "Avdelningar med flest kvar",
  "report.departmentValue": "{enrolled} av {eligible} registrerade ({percent})",
  "report.noDepartment": "(ingen avdelning)",
  "report.moreDepartments.one": "Och 1 avdelning till.",
  "report.moreDepartments.other": "Och {count} avdelningar till.",
  "report.weeks": "Per vecka",
  "report.week": "Vecka {week}",
  "report.weekValue": "{started} påbörjade · {activated} aktiverade · {firstLogin} första inloggning",
  "report.footer": "Beräknad {when} ur lagrade uppgifter och granskningsloggen. Hela rapporten som JSON eller CSV: npm run report.",
} as const;

export type ReportMessageKey = keyof typeof reportSv;
