import { z } from "zod";

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

/** Null when the body is a usable activity, else what is wrong (for a 400 answer). */
export function envelopeProblem(body: unknown): string | null {
  const parsed = envelopeSchema.safeParse(body);
  if (parsed.success) return null;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "body"))];
  return `The body must be a Bot Framework activity; missing or invalid: ${fields.join(", ")}.`;
}
