import { z } from "zod";
import { isLoopbackHost } from "../config/loopback.js";

const id = z.string().min(1).max(512);
/** An optional field: absent, null (some Bot Framework clients send null), or a string of at most `max`. */
const text = (max: number) => z.string().max(max).nullish();
/** Larger than any message the bot answers (it says so politely above 2000), within the body limit. */
const MAX_TEXT = 64 * 1024;

const account = z.looseObject({ id, name: text(512), aadObjectId: text(128), role: text(64) });

/**
 * An `adaptiveCard/action` invoke's button, when `value.action` is an object: the fields the
 * bot reads have their types. Which verbs and inputs are acceptable (and a value that is no
 * button at all) is the card contract's business (src/bot/edge/invoke-envelope.ts and each route), answered with a
 * card saying the input could not be read.
 */
const cardActionFields = { type: text(64), verb: text(64), data: z.record(z.string(), z.unknown()).nullish() };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every field of an incoming activity that the bot or botbuilder reads, with its type and
 * a bound, checked before anything reads them: a wrong type would otherwise crash the turn
 * (a number as `locale`), and without a serviceUrl botbuilder would call a default public
 * endpoint. Fields nobody reads are let through untouched.
 */
const envelopeSchema = z
  .looseObject({
    type: z.string().min(1).max(64),
    id: text(512),
    name: text(256),
    channelId: id,
    serviceUrl: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL"),
    locale: text(64),
    text: text(MAX_TEXT),
    replyToId: text(512),
    timestamp: text(64),
    localTimestamp: text(64),
    from: account,
    recipient: account,
    conversation: z.looseObject({ id, conversationType: text(64), tenantId: text(128), isGroup: z.boolean().nullish() }),
    channelData: z.looseObject({ tenant: z.looseObject({ id: text(128) }).nullish() }).nullish(),
    membersAdded: z.array(account).max(1000).nullish(),
    membersRemoved: z.array(account).max(1000).nullish(),
  })
  .superRefine((activity, ctx) => {
    if (activity.type !== "invoke" || activity.name !== "adaptiveCard/action" || !isPlainObject(activity.value)) return;
    const action = activity.value.action;
    if (!isPlainObject(action)) return;
    for (const [name, schema] of Object.entries(cardActionFields)) {
      if (!schema.safeParse(action[name]).success)
        ctx.addIssue({ code: "custom", path: ["value", "action", name], message: "wrong type or too long" });
    }
  });

export interface EnvelopeRules {
  /**
   * Local mode (no authentication): the bot only answers a Bot Connector on this machine,
   * so a web page or another host cannot make it post to an address of their choosing.
   */
  loopbackServiceUrlOnly?: boolean;
  /** Production: activities from any other Entra tenant are refused. */
  tenantId?: string;
}

function tenantOf(body: { channelData?: { tenant?: { id?: unknown } }; conversation?: { tenantId?: unknown } }): unknown {
  return body.channelData?.tenant?.id ?? body.conversation?.tenantId;
}

/** Null when the body is a usable activity, else what is wrong (for a 400 answer). */
export function envelopeProblem(body: unknown, rules: EnvelopeRules = {}): string | null {
  const parsed = envelopeSchema.safeParse(body);
  if (parsed.success) {
    if (rules.loopbackServiceUrlOnly && !isLoopbackHost(new URL(parsed.data.serviceUrl).hostname)) {
      return "In local mode the serviceUrl must be on this machine (localhost).";
    }
    if (rules.tenantId && tenantOf(body as Parameters<typeof tenantOf>[0]) !== rules.tenantId) {
      return "This bot serves one organisation only.";
    }
    return null;
  }
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "body"))];
  return `The body must be a Bot Framework activity; missing or invalid: ${fields.join(", ")}.`;
}
