import { activityEn } from "./activity-en.js";
import { helpEn } from "./help-en.js";
import { loginHelpEn } from "./login-help-en.js";
import { noticesEn } from "./notices-en.js";
import { lostPhoneEn } from "./lost-phone-en.js";
import { helpdeskEn } from "./helpdesk-en.js";
import { remindersEn } from "./reminders-en.js";
import type { sv } from "./sv.js";
import { reportEn } from "./report-en.js";

/** English. The type makes a missing or extra key a compile error. */
export const en: Record<keyof typeof sv, string> = {
  "welcome.title": "One-time passwords for logging in from outside",
  "welcome.body":
    "Here you connect the Microsoft Authenticator app to your account, so you can log in to Citrix and VPN from home or when travelling. It takes about five minutes. You need your mobile phone and your usual (AD/Citrix) password.",
  "welcome.installApp": "First install the **Microsoft Authenticator** app on your phone:",
  "welcome.storeIos": "App Store (iPhone)",
  "welcome.storeAndroid": "Google Play (Android)",
  "welcome.start": "I have the app – start",
  "welcome.switchLanguage": "På svenska",
  "welcome.above": "The welcome card is just above: tap **I have the app – start** once you have installed the app.",
  "identity.title": "Step 1 of 4: Confirm it is you",
  "identity.body": "Enter your Citrix username and password (the same as when you log in to your work computer).",
  "identity.username": "Username",
  "identity.password": "Password",
  "identity.submit": "Continue",
  "sms.title": "Step 2 of 4: Code by text message",
  "sms.body":
    "We sent a six-digit code at {sentAt} to your mobile {mobile} (the number registered for you). The code is valid for {minutes} minutes.",
  "sms.bodyNoCode": "No valid code has been sent to your mobile {mobile} right now.",
  "sms.code": "Code from the text message",
  "code.placeholder": "Six digits",
  "sms.submit": "Verify",
  "sms.resend": "Send a new code",
  "device.title": "Step 3 of 4: Name your phone",
  "device.body": "Give the phone a name so that you and the helpdesk can recognise it later.",
  "device.label": "Device name",
  "device.suggestion": "My phone",
  "device.submit": "Next",
  "qr.title": "Step 4 of 4: Add the account to the app",
  "qr.body":
    "Open Microsoft Authenticator on your phone and tap **+** at the top right → **Other account (Google, Facebook, etc.)** → **Scan a QR code**. Scan the code below.",
  "qr.alt": "QR code that adds the account {label} ({issuer}) to Microsoft Authenticator",
  "qr.onPhone": "I'm on my phone",
  "qr.onComputer": "Show the QR code again",
  "qr.manual":
    "Only have this phone? Add the account by hand (the same buttons on iPhone and Android):\n\n1. Copy the key below (press and hold it) or write it down. The spaces are not needed.\n2. Open Microsoft Authenticator and tap **+** at the top right → **Other account (Google, Facebook, etc.)** → **OR ENTER CODE MANUALLY**.\n3. Type **{label}** in **Account name** and the key in **Secret key**. Tap **Finish**.\n4. Come back here and type the code the app shows.",
  "qr.keyLabel": "Secret key",
  "qr.account": "Account in the app: {label} ({issuer})",
  "qr.codeLabel": "Type the six-digit code the app shows (tap the account in the app if you see no code)",
  "qr.submit": "Activate",
  "qr.resume":
    "You were about to add the account to Microsoft Authenticator. Tap **Show the QR code** when you have the app ready. The QR code and the key are shown only in the card and removed when you are done.",
  "qr.expiredTitle": "The QR code has been removed",
  "qr.expiredBody": "The QR code and the key that were here are no longer shown. Type **hi** if you want to continue.",
  "qr.show": "Show the QR code",
  "done.title": "Done! Your one-time password is active",
  "done.body": "The phone **{device}** is now connected to your account. To log in: {loginSteps}",
  "login.otp":
    "go to {citrixUrl} and enter your usual username and password. When Citrix then asks for the one-time code, type the six-digit code Microsoft Authenticator shows at that moment. The first time: wait until the app shows a new code, the one you just activated with is already used.",
  "login.passwordOtp":
    "go to {citrixUrl} and enter your usual username. In the password field, type your password and right after it, with no space, the six-digit code Microsoft Authenticator shows at that moment (if your password is Summer2026 and the code 123456, type Summer2026123456). The first time: wait until the app shows a new code, the one you just activated with is already used.",
  "login.challenge":
    "go to {citrixUrl} and enter your usual username and password. Citrix then asks for the one-time code: type the six-digit code Microsoft Authenticator shows at that moment. The first time: wait until the app shows a new code, the one you just activated with is already used.",
  "cancelled.title": "Enrollment cancelled",
  "cancelled.body": "Nothing was changed. You can start again whenever you like.",
  "common.startOver": "Start over",
  "common.cancel": "Cancel",
  "info.resumed": "You have an enrollment in progress. Continue here where you left off.",
  "info.smsResent": "We have sent a new code to your mobile.",
  "info.alreadyHandled": "That step is already done. Here is the next one.",
  "info.reEnrollment": "You already have an activated phone. If you continue, the new one replaces it.",
  "info.languageChanged": "I will write in English from now on.",
  "info.nothingToCancel": "There is nothing to cancel right now. Type **hi** if you want to start.",
  "info.hint": "Type **hi** or **enroll** to connect Microsoft Authenticator to your account, **svenska** for Swedish.",
  "info.personalOnly": "Please write to me in a 1:1 chat – I show nothing about your account here.",
  "error.usernameMissing": "Enter your username.",
  "error.passwordMissing": "Enter your password.",
  "error.fieldTooLong": "What you typed is too long. Check it and try again.",
  "error.notYourAccount":
    "That username does not belong to the account you are signed in to Teams with. You can only enroll your own account.",
  "error.noDirectoryAccount": "We cannot find a directory account that belongs to your Teams account. Please contact the IT helpdesk.",
  "error.wrongPassword": "Wrong username or password. You have {remaining} attempts left.",
  "error.passwordBlocked": "Too many failed attempts. Wait {minutes} minutes and try again.",
  "error.accountDisabled": "Your account is disabled. Please contact the IT helpdesk.",
  "error.accountLocked": "Your account is locked after too many failed logins. Wait a while or contact the IT helpdesk.",
  "error.passwordExpired": "Your password has expired. Change it on a work computer, then try again.",
  "error.notEligible": "Your account is not allowed to log in from outside. Talk to your manager or contact the IT helpdesk.",
  "error.noMobile": "There is no mobile number registered for your account, so we cannot send a code. Please contact the IT helpdesk.",
  "error.directoryUnavailable": "The directory (AD) is not answering right now. Try again in a moment – you will continue where you were.",
  "error.smsCodeFormat": "The code is six digits. Type it from the text message.",
  "error.smsWrong": "Wrong code. You have {remaining} attempts left.",
  "error.smsExpired": "The code has expired. Tap Send a new code.",
  "error.smsTooManyAttempts": "Too many wrong attempts with this code. Tap Send a new code.",
  "error.smsTooManyToday": "Too many wrong codes today. For your security, please contact the IT helpdesk.",
  "error.smsCooldown": "Wait {seconds} seconds before asking for a new code.",
  "error.smsHourlyCap": "You have had as many codes as allowed in one hour. You can ask for a new code from {time}: type **hi** here then.",
  "error.smsUnavailable": "We cannot send text messages right now. Try again later or contact the IT helpdesk.",
  "error.smsSendFailed": "The text message could not be sent. Try again in a moment.",
  "error.deviceNameInvalid":
    "The name may be 1–40 characters: letters, digits, spaces and . _ ' ( ) -. Change what you typed and try again.",
  "error.totpFormat": "The code from the app is six digits.",
  "error.totpWrong": "That code does not match. Type the code the app shows right now. You have {remaining} attempts left.",
  "error.clockAhead":
    "The code is right, but your phone's clock is about {minutes} minutes fast. Turn on automatic time: Settings → General → Date & Time (iPhone) or Settings → Date and time → Set automatically (Android). Then type a new code.",
  "error.clockBehind":
    "The code is right, but your phone's clock is about {minutes} minutes slow. Turn on automatic time: Settings → General → Date & Time (iPhone) or Settings → Date and time → Set automatically (Android). Then type a new code.",
  "error.smsCodeAsTotp": "That is the code from the text message. Here we need the code shown in the Microsoft Authenticator app.",
  "error.totpTooMany": "Too many wrong codes. For your security you must start over.",
  "error.staleCard": "That card belongs to an old or another enrollment. Please use the card below.",
  "error.sessionExpired": "The enrollment was left idle too long and has been cancelled. Please start over.",
  "error.unknownAction": "I do not recognise that button. Please use the card below.",
  "error.malformed": "I could not read what you sent. Please try again.",
  "error.identityUnknown": "I could not tell who you are in Teams. Try again in a moment or contact the IT helpdesk.",
  "error.identityMismatch":
    "Teams reported two different identities for you in this message, so I did nothing. Try again in a moment or contact the IT helpdesk.",
  "error.notYourEnrollment":
    "The enrollment saved here belongs to another account than the one you are signed in to Teams with. It is not shown and nothing was changed. You can start one of your own below.",
  "error.generic": "Something went wrong on our side. Try again in a moment.",
  "smsText.code": "Your RegionJH one-time code: {code}. It is valid for {minutes} minutes. Never give the code to anyone.",
  "smsText.newAuthenticator":
    "A new Microsoft Authenticator ({device}) was registered for your account {time}. Wasn't you? Call the IT helpdesk at once.",
  "smsText.newAuthenticatorCall":
    "A new Microsoft Authenticator ({device}) was registered for your account {time}. Wasn't you? Call the IT helpdesk at once on {phone}.",
  ...helpEn,
  ...loginHelpEn,
  ...noticesEn,
  ...lostPhoneEn,
  ...activityEn,
  ...helpdeskEn,
  ...remindersEn,
  ...reportEn,
};
