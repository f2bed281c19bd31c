import type { CloudAdapter } from "botbuilder";
import restify from "restify";
import type { ActivityHandler } from "botbuilder";
import type { Logger } from "pino";
import { createHash, timingSafeEqual } from "node:crypto";
import { envelopeProblem } from "./activity-envelope.js";
import { METRICS_CONTENT_TYPE } from "./metrics.js";

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** GET /metrics: the Prometheus text, behind a bearer token when one is set (METRICS_TOKEN). */
export interface MetricsEndpoint {
  collect(): Promise<string>;
  token?: string;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Larger than any real activity (cards come from us, not the user). */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * POST /api/messages (the Bot Connector posts activities here), GET /healthz (the process
 * is up), GET /readyz (the directory and the database answer) and, when given, GET /metrics.
 */
export function createServer(adapter: CloudAdapter, bot: ActivityHandler, readiness: ReadinessCheck[], logger: Logger, metrics?: MetricsEndpoint): restify.Server {
  const server = restify.createServer({ name: "otp-enrollment-bot", handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  server.post("/api/messages", async (req, res) => {
    const problem = envelopeProblem(req.body);
    if (problem) {
      res.send(400, { error: problem });
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (error) {
      logger.error({ err: { name: (error as Error).name, message: (error as Error).message } }, "activity processing failed");
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
        const given = /^Bearer (.+)$/i.exec(req.header("authorization") ?? "")?.[1] ?? "";
        if (!timingSafeEqual(digest(given), digest(metrics.token))) {
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
        logger.error({ err: { name: (error as Error).name, message: (error as Error).message } }, "metrics collection failed");
        res.send(503, { error: "Metrics are unavailable." });
      }
    });
  }

  return server;
}
