import { z } from "zod";
import type { ActionData } from "../../features/shared/route.js";

/** What an `adaptiveCard/action` invoke value must look like; the data's fields are each route's to check. */
const envelopeSchema = z.object({
  action: z.object({
    type: z.literal("Action.Execute"),
    verb: z.string().max(64),
    data: z.record(z.string(), z.unknown()).optional().default({}),
  }),
});

/** The one parse of an invoke value: its verb (null when it has none) and its data (null when the envelope is malformed). */
export function parseInvoke(value: unknown): { verb: string | null; data: ActionData } {
  const parsed = envelopeSchema.safeParse(value);
  if (parsed.success) return { verb: parsed.data.action.verb, data: parsed.data.action.data };
  const verb = (value as { action?: { verb?: unknown } } | null | undefined)?.action?.verb;
  return { verb: typeof verb === "string" ? verb : null, data: null };
}
