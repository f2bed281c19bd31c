/**
 * Stand-ins for two Swedish-market SMS APIs, as their documentation describes them:
 * - 46elks: POST /a1/sms, form fields from, to, message, HTTP basic auth (API username and
 *   password); 200 with the created SMS as JSON.
 * - Sinch: POST /xms/v1/{service_plan_id}/batches, JSON { from, to: [..], body }, a bearer
 *   token; 201 with the batch as JSON.
 * Wrong credentials: 401; a request of the wrong shape: 400. Scripted answers replace the
 * success (SmsStandInServer).
 */
import { timingSafeEqual } from "node:crypto";
import { SmsStandInServer, type RawRequest, type Verdict } from "./sms-stand-in-server.js";

const same = (a: string | undefined, b: string) =>
  a !== undefined && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const E164 = /^\+[1-9]\d{6,14}$/;

export const ELKS = { username: "u0123456789abcdef", password: "elks-api-password-1" };

export function start46elksStandIn(): Promise<SmsStandInServer> {
  const expected = `Basic ${Buffer.from(`${ELKS.username}:${ELKS.password}`).toString("base64")}`;
  return SmsStandInServer.start((request: RawRequest): Verdict => {
    if (request.method !== "POST" || request.url !== "/a1/sms") return { status: 404, error: "not found" };
    if (!same(request.headers.authorization, expected)) return { status: 401, error: "API credentials invalid" };
    if (!request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) return { status: 400, error: "form expected" };
    const form = new URLSearchParams(request.body);
    const [from, to, text] = [form.get("from"), form.get("to"), form.get("message")];
    if (!from || !to || !E164.test(to) || !text) return { status: 400, error: "Missing key from, to or message" };
    return {
      message: { from, to, text },
      answer: (script) => ({
        status: script.status || 200,
        body: script.status
          ? { error: "scripted" }
          : { status: "created", direction: "outgoing", from, to, id: "s70df59406a1b4643b96f3f91e0bfb7b0" },
      }),
    };
  });
}

export const SINCH = { servicePlanId: "jd63jf88477ll123ab4567cd89012ef3", token: "sinch-api-token-0123456789" };

export function startSinchStandIn(): Promise<SmsStandInServer> {
  return SmsStandInServer.start((request: RawRequest): Verdict => {
    if (request.method !== "POST" || request.url !== `/xms/v1/${SINCH.servicePlanId}/batches`) return { status: 404, error: "not found" };
    if (!same(request.headers.authorization, `Bearer ${SINCH.token}`)) return { status: 401, error: "Unauthorized" };
    let batch: { from?: unknown; to?: unknown; body?: unknown };
    try {
      batch = JSON.parse(request.body) as typeof batch;
    } catch {
      return { status: 400, error: "syntax_invalid_json" };
    }
    const to = Array.isArray(batch.to) && batch.to.length === 1 ? batch.to[0] : undefined;
    if (typeof batch.from !== "string" || typeof to !== "string" || !E164.test(to) || typeof batch.body !== "string") {
      return { status: 400, error: "syntax_constraint_violation" };
    }
    const message = { from: batch.from, to, text: batch.body };
    return {
      message,
      answer: (script) => ({
        status: script.status || 201,
        body: script.status ? { code: "scripted" } : { id: "01FC66621XXXXX119Z8PMV1QPQ", to: [to], from: batch.from, type: "mt_text" },
      }),
    };
  });
}
