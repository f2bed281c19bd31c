import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * The WAL length (in frames, about 4 KiB each) past which the writer checkpoints inside its own
 * commit, as SQLite does by default at 1,000: only a net for when the checkpointer is behind
 * or gone.
 */
export const WRITER_CHECKPOINT_FRAMES = 10_000;
/** Past this length after a passive checkpoint, the checkpointer restarts the WAL (writers wait for it, briefly). */
const RESTART_FRAMES = 2_000;
const INTERVAL_MS = 100;

/**
 * Runs on a worker thread with a connection of its own: every 100 ms a PASSIVE checkpoint
 * (copies committed pages into the database file beside the writes going on), and a RESTART
 * when the WAL is still long after it (under steady writes a passive checkpoint never sees
 * the whole WAL copied, and SQLite only starts the WAL over once it does). Plain JavaScript,
 * not a module of this project: the same text runs under tsx and from dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
const timer = setInterval(() => {
  try {
    const [passive] = db.pragma("wal_checkpoint(PASSIVE)");
    if (passive.log > workerData.restartFrames) db.pragma("wal_checkpoint(RESTART)");
  } catch (error) {
    // Busy or a passing I/O error: the next tick tries again; the writer's own net stays.
    parentPort.postMessage({ failed: String((error && error.code) || "error") });
  }
}, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * SQLite's checkpoints off the event loop, for a process whose writes are many and small (the
 * validation service with group commit). By default SQLite checkpoints inside the commit that
 * leaves the WAL 1,000 frames long: it copies those pages into the database file and syncs it,
 * and with a commit every turn of the event loop that was a pause of several milliseconds every
 * few turns, for every login in flight. Here a worker thread does it on its own connection;
 * the writer keeps a far higher limit of its own (WRITER_CHECKPOINT_FRAMES) in case the worker
 * falls behind or stops.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, busyTimeoutMs: number) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        file,
        busyTimeoutMs,
        restartFrames: RESTART_FRAMES,
        intervalMs: INTERVAL_MS,
      },
    });
    // A failed tick is retried by the next; a worker that died leaves the writer's own checkpoints.
    this.worker.on("message", () => undefined);
    this.worker.on("error", () => undefined);
    this.worker.unref();
  }

  /** Stops the ticks, closes the worker's connection and waits for the thread to end. */
  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once("exit", resolve));
    this.worker.postMessage("stop");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    await this.worker.terminate();
  }
}
