import type { ReminderMessageKey } from "./reminders-sv.js";

/** English texts of the reminder card and the delivery report (spread at the end of en.ts). */
export const remindersEn: Record<ReminderMessageKey, string> = {
  "reminder.when": "{day} at {time}",
  "reminder.title": "Time to set up Microsoft Authenticator",
  "reminder.body":
    "To log in to Citrix and VPN from outside, you need one-time codes from the Microsoft Authenticator app. It takes about five minutes, right here in this chat.",
  "reminder.deadline": "Please do it by {deadline}. After that, logging in from outside only works with the app.",
  "reminder.snoozesLeft": "You can postpone this reminder {left} more time(s).",
  "reminder.start": "Start now",
  "reminder.snooze": "Remind me later",
  "reminder.cannot": "I can't",
  "reminder.reasonLabel": "If you can't: what is stopping you? (optional)",
  "reminder.reasonPlaceholder": "For example: I don't have a smartphone",
  "reminder.snoozedTitle": "OK, I'll remind you later",
  "reminder.snoozedBody": "You'll get another reminder {when}.",
  "reminder.snoozeLimit": "You have postponed this reminder as many times as allowed. Why not start now – it only takes a few minutes.",
  "reminder.cannotTitle": "Thanks, the IT helpdesk will contact you",
  "reminder.cannotBody": "We have passed your case to the IT helpdesk. You won't get more reminders in this round.",
  "reminder.unknownCampaign": "This reminder belongs to a campaign that no longer exists.",
  "reminder.report.title": "Reminders: {campaign}",
  "reminder.report.deadline": "Deadline",
  "reminder.report.planned": "Reminders planned",
  "reminder.report.sent": "Sent",
  "reminder.report.failed": "Failed",
  "reminder.report.inProgress": "Waiting to be sent",
  "reminder.report.skippedEnrolled": "Already enrolled",
  "reminder.report.notReachable": "Not reachable in Teams",
  "reminder.report.snoozed": "Postponed right now",
  "reminder.report.cannot": "Can't (passed to the IT helpdesk)",
  "reminder.report.lastRun": "Last run {when}: {audience} people in the audience.",
  "reminder.report.neverRun": "The campaign has not run yet.",
  "reminder.report.none": "There are no reminder campaigns yet.",
  "reminder.report.notAllowed": "The reminder delivery report is for the IT helpdesk only. If you need help, type **help**.",
  "reminder.report.directoryUnavailable":
    "The directory (AD) is not answering right now, so I cannot check whether you may read the report. Try again in a moment.",
};
