import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * Most of SQLite's WAL checkpoint work on a worker thread, for the validation service. The
 * connection that commits past 1,000 WAL frames copies them into the database file itself
 * (SQLite's automatic checkpoint), on the event loop: in bench:radius that blocked every login
 * in flight for about 11 ms, 30-50 times in 10 seconds. Here a second connection, on its own
 * thread, copies new frames every 20 ms without waiting for or blocking anyone (PASSIVE). The
 * automatic checkpoint stays on: when it comes, only the last few milliseconds' frames are left
 * to copy, and since it runs right after the service's own commit it copies them all, so the
 * next commit writes the WAL from its start again and the file stays a few MB. (The worker
 * alone cannot get there: commits keep arriving while it copies, and the way to stop them,
 * a RESTART checkpoint, held every login in flight for 3-15 ms.)
 *
 * If the worker stops, the automatic checkpoint does all the work again, as before.
 */
/** How often the worker copies new frames (5 ms and 50 ms were tried: see the README's benchmark). */
const INTERVAL_MS = 20;

export interface WalCheckpointerOptions {
  /** The worker stopped on an error: the service's own connection checkpoints everything again. */
  onError(error: Error): void;
}

/**
 * The worker's code, as a string (eval): it runs unchanged under tsx, vitest and the compiled
 * build, where a module path would differ. Plain CommonJS; the driver's path comes resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
// better-sqlite3's errors reach the parent thread as plain objects without their message:
// rethrown as an Error that carries SQLite's code in its message.
function guarded(work) {
  try {
    return work();
  } catch (error) {
    throw new Error(\`\${error.code ?? error.name}: \${error.message}\`);
  }
}
const Database = require(workerData.driver);
const db = guarded(() => new Database(workerData.file, { fileMustExist: true }));
const checkpoint = db.prepare("pragma wal_checkpoint(PASSIVE)");
const timer = setInterval(() => guarded(() => checkpoint.get()), workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private stopped = false;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once("exit", () => resolve()));
  }

  static start(file: string, options: WalCheckpointerOptions): WalCheckpointer {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        intervalMs: INTERVAL_MS,
      },
    });
    worker.on("error", (error) => options.onError(error));
    // Not what keeps the process running: that is the service's sockets.
    worker.unref();
    return new WalCheckpointer(worker);
  }

  /** Stops the worker, which closes its connection (resolves once the thread has ended). */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      // Referenced again: a process waiting only for this must not exit before the connection is closed.
      this.worker.ref();
      this.worker.postMessage("stop");
    }
    await this.exited;
  }
}
