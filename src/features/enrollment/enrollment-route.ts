import type { EnrollmentService } from "./enrollment-service.js";
import type { StepView } from "./step-view.js";
import type { Notice } from "../../ports/notice.js";
import type { Caller } from "../../ports/caller.js";
import { parseCardAction, verbs, type CardAction } from "./card-action.js";
import { type CardJson } from "../shared/card-renderer.js";
import { type StepCardSettings, renderQrExpiredCard, renderQrResumeCard, renderStepCard } from "./step-cards.js";
import type { HelpActions } from "../help/help-route.js";
import type { ActionData, Reply, Route } from "../shared/route.js";

/** The enrollment's card buttons (`enroll.*`) and how a step is shown, with contextual help. */
export class EnrollmentActions implements Route {
  readonly verbs = verbs;
  /** The cards this route rendered with a QR and key in them, and their flow (the edge retires them later). */
  private readonly secretCards = new WeakMap<CardJson, string>();

  constructor(
    private readonly service: EnrollmentService,
    private readonly help: HelpActions,
    private readonly settings: StepCardSettings,
  ) {}

  async respond(verb: string, data: ActionData, caller: Caller): Promise<Reply> {
    return { card: await this.present(caller, await this.dispatch(caller, parseCardAction(verb, data))) };
  }

  /** The current step (or the welcome card) with a refusal on top, as a card. */
  async refusal(caller: Caller, key: Notice["key"]): Promise<CardJson> {
    return this.present(caller, await this.currentWith(caller, key));
  }

  /** The step's card; when the user seems stuck, with the matching article and the helpdesk. */
  async present(caller: Caller, view: StepView): Promise<CardJson> {
    const article = this.help.article(caller, view.helpArticleId);
    const card = await renderStepCard(
      view,
      this.settings,
      article ? { id: article.id, title: article.title, body: article.body } : undefined,
    );
    if (view.step === "qr" && view.qr) this.secretCards.set(card, view.flowId);
    return card;
  }

  /** The flow whose QR and key `card` shows; undefined for any card without them. */
  secretFlowOf(card: CardJson): string | undefined {
    return this.secretCards.get(card);
  }

  /** What replaces a QR card left in the chat once its flow is gone. */
  expiredQrCard(caller: Caller): CardJson {
    return renderQrExpiredCard(caller.locale);
  }

  /** The welcome card with `notice` on top (nothing is stored: its start button begins a flow). */
  async welcome(caller: Caller, notice: Notice): Promise<CardJson> {
    return this.present(caller, { step: "welcome", flowId: "", locale: caller.locale, notice });
  }

  /** The step's card for a new chat message: the QR step never puts the QR or key there. */
  async presentInMessage(caller: Caller, view: StepView): Promise<CardJson> {
    return view.step === "qr" ? renderQrResumeCard(view) : this.present(caller, view);
  }

  /** The current step's card with `notice` on top; null when the user has no enrollment. */
  async presentCurrent(caller: Caller, notice: Notice): Promise<CardJson | null> {
    const current = await this.service.current(caller);
    return current ? this.present(caller, { ...current, notice }) : null;
  }

  /** The current step (or the welcome card) with a refusal on top: for input nobody can act on. */
  async currentWith(caller: Caller, key: Notice["key"]): Promise<StepView> {
    // A user with no enrollment sees the welcome card; nothing is stored for bad input.
    const current = (await this.service.current(caller)) ?? { step: "welcome", flowId: "", locale: caller.locale };
    // An expired flow says so: that, not the input, is why the welcome card is back.
    return current.notice?.key === "error.sessionExpired" ? current : { ...current, notice: { key, kind: "refusal" } };
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
      case "enroll.showQr": {
        const current = await this.service.current(caller);
        return current && current.flowId === data.flowId ? current : this.currentWith(caller, "error.staleCard");
      }
    }
  }
}
