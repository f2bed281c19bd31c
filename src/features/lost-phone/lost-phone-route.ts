import { z } from "zod";
import type { Caller } from "../../ports/caller.js";
import type { Notice } from "../../ports/notice.js";
import { expandCard, noticeData, strings, type CardJson } from "../shared/card-renderer.js";
import type { ActionData, Reply, Route } from "../shared/route.js";
import type { LostPhoneService } from "./lost-phone-service.js";

/** "Block my lost phone" (from the help article or the typed words) and the password card's button. */
export const LOST_PHONE_VERBS = ["lostPhone.start", "lostPhone.block"] as const;

const blockSchema = z.object({ password: z.string().max(512).optional() }).catchall(z.unknown());

/**
 * The employee's lost-phone card: asks for the password, and after the block offers to
 * connect a new phone (the normal enrollment, SMS included). The password field is replaced
 * with the answer in place, as on the enrollment's identity card.
 */
export class LostPhoneActions implements Route {
  readonly verbs = LOST_PHONE_VERBS;

  constructor(private readonly service: Pick<LostPhoneService, "block">) {}

  card(caller: Caller, notice?: Notice, finished = false): CardJson {
    return expandCard("lost-phone", { s: strings(caller.locale, {}), notice: noticeData(caller.locale, notice), finished });
  }

  async respond(verb: string, data: ActionData, caller: Caller): Promise<Reply> {
    if (verb === "lostPhone.start") return { card: this.card(caller) };
    const parsed = blockSchema.safeParse(data);
    if (!parsed.success) return { card: this.card(caller, { key: "error.malformed", kind: "refusal" }) };
    const result = await this.service.block(caller, parsed.data.password);
    if (!result.blocked) return { card: this.card(caller, result.notice, result.notice.key === "lostPhone.noToken") };
    return { card: this.card(caller, { key: "lostPhone.blocked", params: { device: result.device }, kind: "info" }, true) };
  }
}
