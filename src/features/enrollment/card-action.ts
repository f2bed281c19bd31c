import { z } from "zod";
import type { ActionData } from "../shared/route.js";

/** The public card contract (README): the verbs and the inputs each carries. */
export const verbs = [
  "enroll.start",
  "enroll.identity",
  "enroll.sms",
  "enroll.resendSms",
  "enroll.device",
  "enroll.confirm",
  "enroll.cancel",
  "enroll.showQr",
] as const;
export type Verb = (typeof verbs)[number];

const MAX_FIELD = 1024;
const field = z.string().max(MAX_FIELD).optional();

/** The inputs of an enrollment button; anything else is malformed. */
const dataSchema = z
  .object({ flowId: field, username: field, password: field, smsCode: field, deviceName: field, totpCode: field })
  .catchall(z.unknown());

export type CardAction =
  | {
      kind: "known";
      verb: Verb;
      data: { flowId?: string; username?: string; password?: string; smsCode?: string; deviceName?: string; totpCode?: string };
    }
  | { kind: "unknownVerb" }
  | { kind: "malformed" };

export function parseCardAction(verb: string, data: ActionData): CardAction {
  const parsed = dataSchema.safeParse(data);
  if (!parsed.success) return { kind: "malformed" };
  if (!(verbs as readonly string[]).includes(verb)) return { kind: "unknownVerb" };
  return { kind: "known", verb: verb as Verb, data: parsed.data };
}
