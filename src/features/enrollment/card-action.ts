import { z } from "zod";

/** The public card contract (README): the verbs and the inputs each carries. */
export const verbs = ["enroll.start", "enroll.identity", "enroll.sms", "enroll.resendSms", "enroll.device", "enroll.confirm", "enroll.cancel", "enroll.showQr"] as const;
export type Verb = (typeof verbs)[number];

const MAX_FIELD = 1024;
const field = z.string().max(MAX_FIELD).optional();

/** What an `adaptiveCard/action` invoke must look like; anything else is malformed. */
const invokeValueSchema = z.object({
  action: z.object({
    type: z.literal("Action.Execute"),
    verb: z.string().max(64),
    data: z
      .object({ flowId: field, username: field, password: field, smsCode: field, deviceName: field, totpCode: field })
      .catchall(z.unknown())
      .optional()
      .default({}),
  }),
});

export type CardAction =
  | { kind: "known"; verb: Verb; data: { flowId?: string; username?: string; password?: string; smsCode?: string; deviceName?: string; totpCode?: string } }
  | { kind: "unknownVerb" }
  | { kind: "malformed" };

export function parseCardAction(value: unknown): CardAction {
  const parsed = invokeValueSchema.safeParse(value);
  if (!parsed.success) return { kind: "malformed" };
  const { verb, data } = parsed.data.action;
  if (!(verbs as readonly string[]).includes(verb)) return { kind: "unknownVerb" };
  return { kind: "known", verb: verb as Verb, data };
}
