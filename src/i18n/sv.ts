import { activitySv } from "./activity-sv.js";
import { helpSv } from "./help-sv.js";
import { loginHelpSv } from "./login-help-sv.js";
import { noticesSv } from "./notices-sv.js";
import { lostPhoneSv } from "./lost-phone-sv.js";
import { helpdeskSv } from "./helpdesk-sv.js";
import { remindersSv } from "./reminders-sv.js";
import { reportSv } from "./report-sv.js";

/** Swedish: the default language. Every key here must exist in en.ts (the type checks it). */
export const sv = {
  "welcome.title": "Engångslösenord för inloggning utifrån",
  "welcome.body":
    "Här kopplar du appen Microsoft Authenticator till ditt konto, så att du kan logga in på Citrix och VPN hemifrån eller på resa. Det tar ungefär fem minuter. Du behöver din mobiltelefon och ditt vanliga lösenord (AD/Citrix).",
  "welcome.installApp": "Börja med att installera appen **Microsoft Authenticator** på din mobil:",
  "welcome.storeIos": "App Store (iPhone)",
  "welcome.storeAndroid": "Google Play (Android)",
  "welcome.start": "Jag har appen – börja",
  "welcome.switchLanguage": "In English",
  "welcome.above": "Välkomstkortet finns här ovanför: tryck på **Jag har appen – börja** när du har installerat appen.",
  "identity.title": "Steg 1 av 4: Bekräfta att det är du",
  "identity.body": "Ange ditt användarnamn och lösenord för Citrix (samma som när du loggar in på datorn på jobbet).",
  "identity.username": "Användarnamn",
  "identity.password": "Lösenord",
  "identity.submit": "Fortsätt",
  "sms.title": "Steg 2 av 4: Kod via sms",
  "sms.body":
    "Vi skickade en sexsiffrig kod kl. {sentAt} till din mobil {mobile} (numret som finns registrerat hos oss). Koden gäller i {minutes} minuter.",
  "sms.bodyNoCode": "Ingen giltig kod är skickad till din mobil {mobile} just nu.",
  "sms.code": "Kod från sms:et",
  "code.placeholder": "Sex siffror",
  "sms.submit": "Verifiera",
  "sms.resend": "Skicka ny kod",
  "device.title": "Steg 3 av 4: Namnge din telefon",
  "device.body": "Ge telefonen ett namn, så att du och supporten känner igen den senare.",
  "device.label": "Namn på enheten",
  "device.suggestion": "Min mobil",
  "device.submit": "Nästa",
  "qr.title": "Steg 4 av 4: Lägg till kontot i appen",
  "qr.body":
    "Öppna Microsoft Authenticator på mobilen och tryck på **+** uppe till höger → **Annat konto (Google, Facebook osv.)** → **Skanna en QR-kod**. Skanna koden nedan.",
  "qr.alt": "QR-kod som lägger till kontot {label} ({issuer}) i Microsoft Authenticator",
  "qr.onPhone": "Jag använder mobilen",
  "qr.onComputer": "Visa QR-koden igen",
  "qr.manual":
    "Har du bara den här mobilen? Lägg till kontot för hand (samma knappar på iPhone och Android):\n\n1. Kopiera nyckeln nedan (håll fingret på den) eller skriv av den. Mellanslagen behövs inte.\n2. Öppna Microsoft Authenticator och tryck på **+** uppe till höger → **Annat konto (Google, Facebook osv.)** → **ELLER ANGE KOD MANUELLT**.\n3. Skriv **{label}** i **Kontonamn** och nyckeln i **Hemlig nyckel**. Tryck på **Slutför**.\n4. Kom tillbaka hit och skriv in koden som appen visar.",
  "qr.keyLabel": "Hemlig nyckel",
  "qr.account": "Konto i appen: {label} ({issuer})",
  "qr.codeLabel": "Skriv in den sexsiffriga koden som appen visar (tryck på kontot i appen om du inte ser någon kod)",
  "qr.submit": "Aktivera",
  "qr.resume":
    "Du var på väg att lägga till kontot i Microsoft Authenticator. Tryck på **Visa QR-koden** när du har appen framme. QR-koden och nyckeln visas bara i kortet och tas bort när du är klar.",
  "qr.expiredTitle": "QR-koden är borttagen",
  "qr.expiredBody": "QR-koden och nyckeln som stod här visas inte längre. Skriv **hej** om du vill fortsätta.",
  "qr.show": "Visa QR-koden",
  "done.title": "Klart! Engångslösenordet är aktiverat",
  "done.body": "Telefonen **{device}** är nu kopplad till ditt konto. Så loggar du in: {loginSteps}",
  "login.otp":
    "gå till {citrixUrl} och skriv ditt vanliga användarnamn och lösenord. När Citrix sedan frågar efter engångskoden skriver du den sexsiffriga koden som Microsoft Authenticator visar just då. Första gången: vänta tills appen visar en ny kod, koden du nyss aktiverade med är redan använd.",
  "login.passwordOtp":
    "gå till {citrixUrl} och skriv ditt vanliga användarnamn. I lösenordsfältet skriver du ditt lösenord och direkt efter det, utan mellanslag, den sexsiffriga koden som Microsoft Authenticator visar just då (är lösenordet Sommar2026 och koden 123456 skriver du Sommar2026123456). Första gången: vänta tills appen visar en ny kod, koden du nyss aktiverade med är redan använd.",
  "login.challenge":
    "gå till {citrixUrl} och skriv ditt vanliga användarnamn och lösenord. Sedan ber Citrix om engångskoden: skriv den sexsiffriga koden som Microsoft Authenticator visar just då. Första gången: vänta tills appen visar en ny kod, koden du nyss aktiverade med är redan använd.",
  "cancelled.title": "Registreringen är avbruten",
  "cancelled.body": "Inget har ändrats. Du kan börja om när du vill.",
  "common.startOver": "Börja om",
  "common.cancel": "Avbryt",
  "info.resumed": "Du har en påbörjad registrering. Fortsätt här där du var.",
  "info.smsResent": "Vi har skickat en ny kod till din mobil.",
  "info.alreadyHandled": "Det här steget är redan klart. Här är nästa steg.",
  "info.reEnrollment": "Du har redan en aktiverad telefon. Om du fortsätter ersätts den av den nya.",
  "info.languageChanged": "Jag skriver på svenska från och med nu.",
  "info.nothingToCancel": "Det finns inget att avbryta just nu. Skriv **hej** om du vill börja.",
  "info.hint": "Skriv **hej** eller **registrera** för att koppla Microsoft Authenticator till ditt konto, **English** för engelska.",
  "info.personalOnly": "Skriv till mig i en egen chatt (1:1) – här visar jag ingenting om ditt konto.",
  "error.usernameMissing": "Skriv ditt användarnamn.",
  "error.passwordMissing": "Skriv ditt lösenord.",
  "error.fieldTooLong": "Det du skrev är för långt. Kontrollera och försök igen.",
  "error.notYourAccount": "Användarnamnet hör inte till kontot du är inloggad i Teams med. Du kan bara registrera ditt eget konto.",
  "error.noDirectoryAccount": "Vi hittar inget konto i katalogen som hör till ditt Teams-konto. Kontakta IT-supporten.",
  "error.wrongPassword": "Fel användarnamn eller lösenord. Du har {remaining} försök kvar.",
  "error.passwordBlocked": "För många felaktiga försök. Vänta {minutes} minuter och försök igen.",
  "error.accountDisabled": "Ditt konto är inaktiverat. Kontakta IT-supporten.",
  "error.accountLocked": "Ditt konto är låst efter för många felaktiga inloggningar. Vänta en stund eller kontakta IT-supporten.",
  "error.passwordExpired": "Ditt lösenord har gått ut. Byt lösenord på en jobbdator och försök sedan igen.",
  "error.notEligible": "Ditt konto har inte behörighet till inloggning utifrån. Prata med din chef eller kontakta IT-supporten.",
  "error.noMobile": "Det finns inget mobilnummer registrerat på ditt konto, så vi kan inte skicka någon kod. Kontakta IT-supporten.",
  "error.directoryUnavailable": "Katalogen (AD) svarar inte just nu. Försök igen om en stund – du fortsätter där du var.",
  "error.smsCodeFormat": "Koden består av sex siffror. Skriv in den från sms:et.",
  "error.smsWrong": "Fel kod. Du har {remaining} försök kvar.",
  "error.smsExpired": "Koden har gått ut. Tryck på Skicka ny kod.",
  "error.smsTooManyAttempts": "För många felaktiga försök med den här koden. Tryck på Skicka ny kod.",
  "error.smsTooManyToday": "För många felaktiga koder i dag. Av säkerhetsskäl behöver du kontakta IT-supporten.",
  "error.smsCooldown": "Vänta {seconds} sekunder innan du ber om en ny kod.",
  "error.smsHourlyCap":
    "Du har fått så många koder som är tillåtet på en timme. Du kan be om en ny kod från kl. {time}: skriv **hej** här då.",
  "error.smsUnavailable": "Vi kan inte skicka sms just nu. Försök igen senare eller kontakta IT-supporten.",
  "error.smsSendFailed": "Sms:et kunde inte skickas. Försök igen om en stund.",
  "error.deviceNameInvalid":
    "Namnet får vara 1–40 tecken: bokstäver, siffror, mellanslag och . _ ' ( ) -. Ändra det du skrev och försök igen.",
  "error.totpFormat": "Koden från appen består av sex siffror.",
  "error.totpWrong": "Koden stämmer inte. Skriv in koden som visas i appen just nu. Du har {remaining} försök kvar.",
  "error.clockAhead":
    "Koden stämmer, men klockan i din telefon går ungefär {minutes} minuter före. Ställ in automatisk tid: Inställningar → Allmänt → Datum och tid (iPhone) eller Inställningar → Datum och tid → Ställ in automatiskt (Android). Skriv sedan in en ny kod.",
  "error.clockBehind":
    "Koden stämmer, men klockan i din telefon går ungefär {minutes} minuter efter. Ställ in automatisk tid: Inställningar → Allmänt → Datum och tid (iPhone) eller Inställningar → Datum och tid → Ställ in automatiskt (Android). Skriv sedan in en ny kod.",
  "error.smsCodeAsTotp": "Det där är koden från sms:et. Här behövs koden som appen Microsoft Authenticator visar.",
  "error.totpTooMany": "För många felaktiga koder. Av säkerhetsskäl måste du börja om.",
  "error.staleCard": "Det kortet hör till en gammal eller annan registrering. Använd kortet nedan.",
  "error.sessionExpired": "Registreringen har legat orörd för länge och har avbrutits. Börja om.",
  "error.unknownAction": "Den knappen känner jag inte igen. Använd kortet nedan.",
  "error.malformed": "Det du skickade gick inte att läsa. Försök igen.",
  "error.identityUnknown": "Jag kunde inte avgöra vem du är i Teams. Försök igen om en stund eller kontakta IT-supporten.",
  "error.identityMismatch":
    "Teams uppgav två olika identiteter för dig i det här meddelandet, så jag har inte gjort något. Försök igen om en stund eller kontakta IT-supporten.",
  "error.notYourEnrollment":
    "Registreringen som är sparad här hör till ett annat konto än det du är inloggad i Teams med. Den visas inte och ingenting har ändrats. Du kan börja en egen registrering nedan.",
  "error.generic": "Något gick fel hos oss. Försök igen om en stund.",
  "smsText.code": "Din engångskod till RegionJH: {code}. Den gäller i {minutes} minuter. Ge aldrig koden till någon annan.",
  "smsText.newAuthenticator":
    "En ny Microsoft Authenticator ({device}) registrerades för ditt konto {time}. Var det inte du? Ring IT-supporten direkt.",
  "smsText.newAuthenticatorCall":
    "En ny Microsoft Authenticator ({device}) registrerades för ditt konto {time}. Var det inte du? Ring IT-supporten direkt på {phone}.",
  ...helpSv,
  ...loginHelpSv,
  ...noticesSv,
  ...lostPhoneSv,
  ...activitySv,
  ...helpdeskSv,
  ...remindersSv,
  ...reportSv,
} as const;
