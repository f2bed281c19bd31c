import { ActivityHandler, CardFactory, TurnContext, type InvokeResponse, type StatePropertyAccessor, type UserState } from "botbuilder";
import type { Logger } from "pino";
import type { EnrollmentService } from "../domain/enrollment-service.js";
import type { Caller, Notice, StepView } from "../domain/step-view.js";
import { localeFrom, t, type Locale } from "../i18n/messages.js";
import type { ConversationRefStore } from "../ports/stores.js";
import { parseCardAction, type CardAction } from "./card-action.js";
import { ADAPTIVE_CARD, renderStepCard, type CardJson } from "./card-renderer.js";
import { resolveCallerUpn, userKeyOf } from "./caller-resolver.js";
import { classifyText } from "./text-commands.js";

export interface BotSettings {
  citrixUrl: string;
  smsCodeTtlSeconds: number;
}

const MAX_TEXT = 2000;

/**
 * Teams edge of the enrollment: messages start or resume a flow, `adaptiveCard/action`
 * invokes drive it, and every answer is the next card (the invoke response replaces the
 * card in place, so the password field and the QR never stay in the chat).
 */
export class EnrollmentBot extends ActivityHandler {
  private readonly preferredLocale: StatePropertyAccessor<Locale | undefined>;

  constructor(
    private readonly service: EnrollmentService,
    private readonly userState: UserState,
    private readonly conversationRefs: ConversationRefStore,
    private readonly settings: BotSettings,
    private readonly logger: Logger,
  ) {
    super();
    this.preferredLocale = userState.createProperty<Locale | undefined>("preferredLocale");
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.userState.saveChanges(context);
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== "adaptiveCard/action") return { status: 501 };
    const action = parseCardAction(context.activity.value);
    const caller = await this.caller(context);
    if (!caller) return this.cardResponse(this.plainNoticeCard(localeFrom(context.activity.locale), "error.identityUnknown"));
    this.logger.info({ verb: action.kind === "known" ? action.verb : action.kind, user: caller.userKey }, "card action");
    try {
      const view = await this.dispatch(caller, action);
      return this.cardResponse(await renderStepCard(view, this.settings));
    } catch (error) {
      this.logger.error({ err: { name: (error as Error).name, message: (error as Error).message }, user: caller.userKey }, "card action failed");
      return this.cardResponse(this.plainNoticeCard(caller.locale, "error.generic"));
    }
  }

  private async dispatch(caller: Caller, action: CardAction): Promise<StepView> {
    if (action.kind !== "known") return this.currentWith(caller, action.kind === "malformed" ? "error.malformed" : "error.unknownAction");
    const { data } = action;
    switch (action.verb) {
      case "enroll.start":
        return this.service.start(caller);
      case "enroll.identity":
        return this.service.submitIdentity(caller, data.flowId, data.username, data.password);
      case "enroll.sms":
        return this.service.submitSms(caller, data.flowId, data.smsCode);
      case "enroll.resendSms":
        return this.service.resendSms(caller, data.flowId);
      case "enroll.device":
        return this.service.submitDevice(caller, data.flowId, data.deviceName);
      case "enroll.confirm":
        return this.service.confirm(caller, data.flowId, data.totpCode);
      case "enroll.cancel":
        return this.service.cancel(caller, data.flowId);
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const text = typeof context.activity.text === "string" ? context.activity.text : "";
    let locale = await this.locale(context);
    if (text.length > MAX_TEXT) {
      await context.sendActivity(t(locale, "error.malformed"));
      return;
    }
    const command = classifyText(text);
    if (command === "english" || command === "swedish") {
      locale = command === "english" ? "en" : "sv";
      await this.preferredLocale.set(context, locale);
      await context.sendActivity(t(locale, "info.languageChanged"));
    }
    const caller = await this.caller(context, locale);
    if (!caller) {
      await context.sendActivity(t(locale, "error.identityUnknown"));
      return;
    }
    await this.rememberConversation(context, caller);
    if (command === "other") {
      await context.sendActivity(t(locale, "info.hint"));
      return;
    }
    const view = command === "cancel" ? await this.cancelCurrent(caller) : await this.service.greet(caller);
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(await renderStepCard(view, this.settings))] });
  }

  private async cancelCurrent(caller: Caller): Promise<StepView> {
    const current = await this.service.current(caller);
    return current ? this.service.cancel(caller, current.flowId) : this.service.greet(caller);
  }

  private async currentWith(caller: Caller, key: Notice["key"]): Promise<StepView> {
    const current = (await this.service.current(caller)) ?? (await this.service.greet(caller));
    return { ...current, notice: { key, kind: "refusal" } };
  }

  private async locale(context: TurnContext): Promise<Locale> {
    return (await this.preferredLocale.get(context)) ?? localeFrom(context.activity.locale);
  }

  private async caller(context: TurnContext, knownLocale?: Locale): Promise<Caller | null> {
    const upn = await resolveCallerUpn(context, this.logger);
    if (!upn) return null;
    return { userKey: userKeyOf(context), upn, locale: knownLocale ?? (await this.locale(context)) };
  }

  private async rememberConversation(context: TurnContext, caller: Caller): Promise<void> {
    const reference = TurnContext.getConversationReference(context.activity) as Record<string, unknown>;
    await this.conversationRefs.upsert({ userKey: caller.userKey, upn: caller.upn, locale: caller.locale, reference, updatedAt: new Date() });
  }

  private cardResponse(card: CardJson): InvokeResponse {
    return { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD, value: card } };
  }

  private plainNoticeCard(locale: Locale, key: Notice["key"]): CardJson {
    return { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: t(locale, key), wrap: true, color: "Attention" }] };
  }
}
