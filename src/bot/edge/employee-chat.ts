import type { CloudAdapter, ConversationReference } from "botbuilder";
import type { MessageKey } from "../../i18n/messages.js";
import type { EmployeeChat } from "../../ports/employee-notices.js";
import type { ConversationRefStore } from "../../ports/stores.js";
import { renderNoticeCard } from "../../features/notices/notice-card.js";
import { cardT } from "../../features/shared/card-text.js";
import { TeamsConnector } from "./teams-connector.js";

/** EmployeeChat over Bot Framework proactive messages, through the conversation reference stored for the UPN. */
export class TeamsEmployeeChat implements EmployeeChat {
  private readonly connector: TeamsConnector;

  constructor(
    adapter: CloudAdapter,
    appId: string,
    private readonly conversationRefs: ConversationRefStore,
  ) {
    this.connector = new TeamsConnector(adapter, appId);
  }

  async send(upn: string, notice: { key: MessageKey; params: Record<string, string | number>; helpdeskButton: boolean }): Promise<boolean> {
    const stored = await this.conversationRefs.findByUpn(upn.toLowerCase());
    if (!stored) return false;
    const message = notice.helpdeskButton
      ? { cards: [renderNoticeCard(stored.locale, notice.key, notice.params)] }
      : { text: cardT(stored.locale, notice.key, notice.params) };
    await this.connector.send(stored.reference as Partial<ConversationReference>, message, { pipelineRetries: true });
    return true;
  }
}
