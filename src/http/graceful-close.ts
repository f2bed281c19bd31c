import { setTimeout as sleep } from "node:timers/promises";
import type restify from "restify";

export interface GracefulClose {
  /**
   * Stops taking requests (new ones get 503 and `Connection: close`), waits for those in flight
   * to finish, at most `graceMs`, then drops every connection. True when all finished in time.
   */
  close(graceMs: number): Promise<boolean>;
}

/**
 * Counts a restify server's requests in flight, so SIGTERM can let a turn that is saving state
 * or sending an SMS finish instead of cutting it off halfway. Register before the routes.
 */
export function gracefulClose(server: restify.Server): GracefulClose {
  let inFlight = 0;
  let draining = false;
  let settled: () => void = () => undefined;
  let allDone = Promise.resolve();

  server.pre((_req, res, next) => {
    if (draining) {
      res.setHeader("connection", "close");
      res.send(503, { error: "The service is shutting down; try again." });
      return next(false);
    }
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (draining && inFlight === 0) settled();
    });
    return next();
  });

  return {
    async close(graceMs) {
      draining = true;
      allDone = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (settled = resolve));
      const listening = new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeIdleConnections();
      const finished = await Promise.race([allDone.then(() => true), sleep(graceMs).then(() => false)]);
      server.server.closeAllConnections();
      await listening;
      return finished;
    },
  };
}
