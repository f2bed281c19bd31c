import type { helpSv } from "./help-sv.js";

/** English texts of the answers and help cards (spread into en.ts). */
export const helpEn: Record<keyof typeof helpSv, string> = {
  "help.title": "Need help?",
  "help.expand": "Show help",
  "help.contactHelpdesk": "Contact the IT helpdesk",
  "help.didItHelp": "Did this help?",
  "help.yes": "Yes",
  "help.no": "No",
  "help.thanks": "Thank you for your answer!",
  "help.thanksNotHelpful": "Thank you. Would you like the IT helpdesk to contact you? Tap the button below.",
  "help.feedbackAlreadyGiven": "You have already answered for this article. Thank you!",
  "help.noAnswer":
    "I'm afraid I don't have a good answer to that. I can send your question to the IT helpdesk, and they will reply here in the chat.",
  "help.yourQuestion": "Your question: {question}",
  "help.topicsTitle": "What do you need help with?",
  "help.topicsBody": "Choose a topic, or type your question in your own words.",
  "help.startEnrollment": "Connect Microsoft Authenticator",
  "help.articleMissing": "That article no longer exists. Type your question in your own words.",
};
