import type { Logger } from "pino";
import restify from "restify";
import { errorFields } from "../adapters/logger.js";
import type { Validator } from "../features/validation/validator.js";
import { bearerTokenMatches } from "../http/bearer-token.js";

/** `{ "user": "…", "code": "…" }` is tiny; anything larger is not a validation request. */
const MAX_BODY_BYTES = 4 * 1024;

export interface RestValidateOptions {
  validator: Validator;
  /** Callers send `Authorization: Bearer <token>`. */
  token: string;
  logger: Logger;
}

/**
 * POST /api/validate for other identity providers and FreeRADIUS rlm_rest: the same rules
 * and audit as RADIUS (`otp` mode: the code only). Answers 200 `{ "ok": true }` or
 * `{ "ok": false, "reason" }`; 401 without the bearer token, 400/413/415 for a body that is
 * not a small JSON object with string `user` and `code`. GET /healthz: the process is up.
 */
export function createRestValidateServer(options: RestValidateOptions): restify.Server {
  const server = restify.createServer({ name: "otp-validate", handleUncaughtExceptions: false });

  const authorised: restify.RequestHandler = (req, res, next) => {
    if (!bearerTokenMatches(req.header("authorization"), options.token)) {
      res.setHeader("www-authenticate", "Bearer");
      res.send(401, { error: "A bearer token is required." });
      return next(false);
    }
    if (!req.is("application/json")) {
      res.send(415, { error: "The body must be application/json." });
      return next(false);
    }
    return next();
  };
  const readJson = [
    restify.plugins.bodyReader({ maxBodySize: MAX_BODY_BYTES }),
    ...restify.plugins.jsonBodyParser({ mapParams: false, bodyReader: true }),
  ];

  server.post("/api/validate", authorised, ...readJson, async (req, res) => {
    const body = req.body as { user?: unknown; code?: unknown } | null;
    if (!body || typeof body !== "object" || typeof body.user !== "string" || typeof body.code !== "string" || body.code.length > 64) {
      res.send(400, { error: 'The body must be { "user": string, "code": string }.' });
      return;
    }
    try {
      const outcome = await options.validator.checkCode({ userName: body.user, client: "rest", channel: "rest" }, body.code);
      res.send(200, outcome.ok ? { ok: true } : { ok: false, reason: outcome.reason });
    } catch (error) {
      options.logger.error({ err: errorFields(error) }, "validation failed");
      res.send(503, { error: "The validation service cannot answer right now." });
    }
  });

  server.get("/healthz", async (_req, res) => {
    res.send(200, { status: "ok" });
  });
  return server;
}
