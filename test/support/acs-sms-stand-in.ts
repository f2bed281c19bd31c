/**
 * A stand-in for Azure Communication Services' SMS API as @azure/communication-sms calls it:
 *   POST /sms?api-version=2021-03-07
 *   { from, smsRecipients: [{ to, repeatabilityRequestId, repeatabilityFirstSent }], message, smsSendOptions }
 * signed with the resource's access key (HMAC-SHA256 over "VERB\npath?query\nx-ms-date;host;x-ms-content-sha256",
 * Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>).
 * The stand-in recomputes the body hash and the signature and refuses (401) what does not
 * match or is older than 15 minutes. 202 answers carry one result per recipient; a scripted
 * `recipient` makes it a partial failure (`successful: false`).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { SmsStandInServer, type RawRequest, type Verdict } from "./sms-stand-in-server.js";

export const ACS_PATH = "/sms?api-version=2021-03-07";
const SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256";
const MAX_SKEW_MS = 15 * 60_000;

function signatureProblem(request: RawRequest, accessKey: string): string | null {
  const date = request.headers["x-ms-date"];
  const contentHash = request.headers["x-ms-content-sha256"];
  const host = request.headers.host;
  if (typeof date !== "string" || typeof contentHash !== "string" || typeof host !== "string") return "missing signed headers";
  if (!(Math.abs(Date.now() - Date.parse(date)) < MAX_SKEW_MS)) return "x-ms-date too far from now";
  if (createHash("sha256").update(request.body).digest("base64") !== contentHash) return "content hash mismatch";
  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(request.headers.authorization ?? "");
  if (!match || match[1] !== SIGNED_HEADERS) return "not an HMAC-SHA256 authorization";
  const stringToSign = `${request.method}\n${request.url}\n${date};${host};${contentHash}`;
  const expected = createHmac("sha256", Buffer.from(accessKey, "base64")).update(stringToSign).digest();
  const given = Buffer.from(match[2] ?? "", "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : "signature mismatch";
}

interface AcsRequest {
  from?: unknown;
  smsRecipients?: { to?: unknown; repeatabilityRequestId?: unknown; repeatabilityFirstSent?: unknown }[];
  message?: unknown;
}

export interface AcsStandIn {
  server: SmsStandInServer;
  accessKey: string;
  connectionString: string;
}

export async function startAcsStandIn(): Promise<AcsStandIn> {
  const accessKey = randomBytes(64).toString("base64");
  const server = await SmsStandInServer.start((request): Verdict => {
    if (request.method !== "POST" || request.url !== ACS_PATH) return { status: 404, error: "not found" };
    const refused = signatureProblem(request, accessKey);
    if (refused) return { status: 401, error: `Denied by the HMAC check: ${refused}` };
    let body: AcsRequest;
    try {
      body = JSON.parse(request.body) as AcsRequest;
    } catch {
      return { status: 400, error: "invalid JSON" };
    }
    const recipient = body.smsRecipients?.length === 1 ? body.smsRecipients[0] : undefined;
    if (
      typeof body.from !== "string" ||
      typeof body.message !== "string" ||
      typeof recipient?.to !== "string" ||
      typeof recipient.repeatabilityRequestId !== "string"
    ) {
      return { status: 400, error: "from, smsRecipients[].to/repeatabilityRequestId and message are required" };
    }
    const to = recipient.to;
    return {
      message: { from: body.from, to, text: body.message },
      answer: (script) => {
        if (script.status && script.status !== 202)
          return { status: script.status, body: { error: { code: "Scripted", message: `scripted ${script.status}` } } };
        const result = script.recipient ?? { successful: true, httpStatusCode: 202 };
        return {
          status: 202,
          body: {
            value: [
              { to, messageId: result.successful ? "Outgoing_20260101_noam" : undefined, repeatabilityResult: "accepted", ...result },
            ],
          },
        };
      },
    };
  });
  const connectionString = `endpoint=${server.origin}/;accesskey=${accessKey}`;
  return { server, accessKey, connectionString };
}
