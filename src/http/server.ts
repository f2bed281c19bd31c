import { errorFields } from "../adapters/logger.js";
import restify from "restify";
import type { AuthenticatingAdapter, TurnHandler } from "../bot/edge/authenticating-adapter.js";
import type { Logger } from "pino";
import { bearerTokenMatches } from "./bearer-token.js";
import { envelopeProblem, type EnvelopeRules } from "./activity-envelope.js";
import { METRICS_CONTENT_TYPE } from "./metrics.js";
import { RefusalLog } from "./refusal-log.js";
import { parseRequestJson } from "./request-json.js";

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** GET /metrics: the Prometheus text, behind a bearer token when one is set (METRICS_TOKEN). */
export interface MetricsEndpoint {
  collect(): Promise<string>;
  token?: string;
}

/** The answer to every unauthenticated request: no library text, nothing about why. */
const NOT_AUTHENTICATED = { error: "Not authenticated." };

const NOT_JSON = Symbol("not JSON");

/**
 * The body as read (bounded) by restify, parsed without __proto__/constructor/prototype keys
 * (src/http/request-json.ts), so none reaches a merge or the database.
 */
function parseBody(raw: unknown): unknown {
  const text = typeof raw === "string" ? raw : Buffer.isBuffer(raw) ? raw.toString("utf8") : "";
  try {
    return parseRequestJson(text);
  } catch {
    return NOT_JSON;
  }
}

/** Larger than any real activity (cards come from us, not the user). */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * POST /api/messages (the Bot Connector posts activities here), GET /healthz (the process
 * is up), GET /readyz (the directory and the database answer) and, when given, GET /metrics.
 */
export interface ServerOptions {
  metrics?: MetricsEndpoint;
  envelope?: EnvelopeRules;
}

export function createServer(
  adapter: AuthenticatingAdapter,
  bot: TurnHandler,
  readiness: ReadinessCheck[],
  logger: Logger,
  options: ServerOptions = {},
): restify.Server {
  const { metrics } = options;
  const refusals = new RefusalLog(logger);
  const server = restify.createServer({ name: "otp-enrollment-bot", handleUncaughtExceptions: false });

  // Only JSON is read, and only up to MAX_BODY_BYTES. (restify's general bodyParser would
  // also accept multipart uploads, which it writes to the temp folder without a size limit,
  // before any authentication: never use it here.)
  const jsonOnly: restify.RequestHandler = (req, res, next) => {
    if (!req.is("application/json")) {
      res.send(415, { error: "The body must be a Bot Framework activity as application/json." });
      return next(false);
    }
    return next();
  };

  const readBody = restify.plugins.bodyReader({ maxBodySize: MAX_BODY_BYTES });

  // The order matters: size and media type first (nothing is parsed unbounded), then who is
  // calling, and only then what is wrong with the activity. An unauthenticated caller hears
  // 401 and nothing else, not which fields a real activity needs, nor that its JSON is broken.
  server.post("/api/messages", jsonOnly, readBody, async (req, res) => {
    const body = parseBody(req.body);
    const authentication = await adapter.authenticate(body, req.header("authorization") ?? "");
    if (!authentication.ok) {
      // The same answer whatever the reason: a caller learns nothing about its forgery.
      refusals.note(authentication.reason);
      res.send(401, NOT_AUTHENTICATED);
      return;
    }
    const problem = body === NOT_JSON ? "The body must be a Bot Framework activity in JSON." : envelopeProblem(body, options.envelope);
    if (problem) {
      res.send(400, { error: problem });
      return;
    }
    try {
      const { status, body: answer } = await adapter.runTurn(authentication.result, body, bot);
      if (answer === undefined) res.send(status);
      else res.send(status, answer);
    } catch (error) {
      logger.error({ err: errorFields(error) }, "activity processing failed");
      if (!res.headersSent) res.send(500, { error: "The activity could not be processed." });
    }
  });

  server.get("/healthz", async (_req, res) => {
    res.send(200, { status: "ok" });
  });

  server.get("/readyz", async (_req, res) => {
    const results = await Promise.all(
      readiness.map(async ({ name, check }) => {
        try {
          await check();
          return [name, "ok"] as const;
        } catch {
          return [name, "unavailable"] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === "ok");
    res.send(ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks: Object.fromEntries(results) });
  });

  if (metrics) {
    server.get("/metrics", async (req, res) => {
      if (metrics.token !== undefined) {
        if (!bearerTokenMatches(req.header("authorization"), metrics.token)) {
          res.setHeader("www-authenticate", "Bearer");
          res.send(401, { error: "A bearer token is required." });
          return;
        }
      }
      try {
        const body = await metrics.collect();
        res.setHeader("content-type", METRICS_CONTENT_TYPE);
        res.sendRaw(200, body);
      } catch (error) {
        logger.error({ err: errorFields(error) }, "metrics collection failed");
        res.send(503, { error: "Metrics are unavailable." });
      }
    });
  }

  return server;
}
