import { z } from "zod";
import { isLoopbackHost } from "../config/loopback.js";

const id = z.string().min(1).max(512);

/**
 * The parts of an incoming activity the bot relies on before botbuilder sees it. Without a
 * serviceUrl botbuilder would call a default public endpoint; without ids it cannot reply.
 * Anything else (text, value, channelData) is checked where it is used.
 */
const envelopeSchema = z.object({
  type: z.string().min(1).max(64),
  channelId: id,
  serviceUrl: z.string().max(2048).regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL"),
  from: z.object({ id }).passthrough(),
  conversation: z.object({ id }).passthrough(),
  recipient: z.object({ id }).passthrough(),
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
