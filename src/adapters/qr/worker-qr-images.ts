import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { QrImageError } from "../../features/shared/errors.js";
import type { QrImages } from "../../ports/qr-images.js";

const require = createRequire(import.meta.url);

/**
 * What the card shows: error correction M, 5 pixels a module, a 2-module margin, as an
 * 8-bit grayscale PNG with every row filtered against the one above ("up", pngjs filter 2):
 * about 2.6 KB for an otpauth URI (Teams limits a card to about 28 KB). qrcode's own PNG
 * renderer fills an RGBA image and has pngjs convert it (and by default try all five filters
 * on every row, 4.5 KB): about three times the work (8.3 against 2.9 ms a render, measured
 * side by side on the loaded 2-core bench machine).
 */
const QR_LOOK = { errorCorrectionLevel: "M", margin: 2, scale: 5 } as const;

/**
 * Throwaway renders of a URI as long as a real one when a worker starts: the first ones run
 * on cold code (qrcode's first PNG took 79 ms, its second 35).
 */
const WARM_UP_RENDERS = 10;
const WARM_UP_TEXT =
  `otpauth://totp/Warm-up:warm.up%40example.invalid?secret=${"A".repeat(32)}` + "&issuer=Warm-up&algorithm=SHA1&digits=6&period=30";

/**
 * The worker's code, run as a CommonJS script (`eval`): a worker file cannot be TypeScript
 * under plain Node 20, and one script serves the built bot and the tests run from source.
 * qrcode (the matrix) and pngjs (the PNG) come from the paths the main thread resolved. A
 * failure answers with the error's name only: qrcode's messages can quote the text, and the
 * text holds the secret.
 */
const WORKER_SCRIPT = `
const { parentPort, workerData } = require("node:worker_threads");
const QRCode = require(workerData.qrcode);
const { PNG } = require(workerData.pngjs);
const { errorCorrectionLevel, margin, scale } = workerData.look;

function draw(text) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel });
  const side = (modules.size + 2 * margin) * scale;
  const pixels = Buffer.alloc(side * side, 255);
  for (let y = 0; y < modules.size; y++) {
    for (let x = 0; x < modules.size; x++) {
      if (!modules.get(y, x)) continue;
      const left = (x + margin) * scale;
      for (let row = (y + margin) * scale; row < (y + margin + 1) * scale; row++) {
        pixels.fill(0, row * side + left, row * side + left + scale);
      }
    }
  }
  const options = { colorType: 0, inputColorType: 0, inputHasAlpha: false, filterType: 2 };
  return "data:image/png;base64," + PNG.sync.write({ width: side, height: side, data: pixels }, options).toString("base64");
}

for (let i = 0; i < workerData.warmUpRenders; i++) draw(workerData.warmUpText);
parentPort.on("message", ({ id, text }) => {
  try {
    parentPort.postMessage({ id, dataUri: draw(text) });
  } catch (error) {
    parentPort.postMessage({ id, failed: error instanceof Error ? error.name : typeof error });
  }
});
`;

type Answer = { id: number; dataUri: string } | { id: number; failed: string };

interface Pending {
  resolve: (dataUri: string) => void;
  reject: (error: QrImageError) => void;
}

/** One worker thread and the requests it has not answered yet. */
class QrWorker {
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;

  constructor(libraries: { qrcode: string; pngjs: string }, onGone: (worker: QrWorker) => void) {
    this.worker = new Worker(WORKER_SCRIPT, {
      eval: true,
      workerData: { ...libraries, look: QR_LOOK, warmUpText: WARM_UP_TEXT, warmUpRenders: WARM_UP_RENDERS },
    });
    // An idle worker does not keep the process alive (a CLI or test that never closes the pool still ends).
    this.worker.unref();
    this.worker.on("message", (answer: Answer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.settled(answer.id);
      if ("dataUri" in answer) waiting.resolve(answer.dataUri);
      else waiting.reject(new QrImageError(`the QR code could not be drawn (${answer.failed})`));
    });
    const gone = (cause: unknown) => {
      onGone(this);
      this.failAll(new QrImageError("the QR renderer stopped", { cause }));
    };
    this.worker.on("error", gone);
    this.worker.on("exit", (code) => gone(new Error(`worker exited with code ${code}`)));
  }

  render(id: number, text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref(); // a turn waits for this answer
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, text });
    });
  }

  async terminate(): Promise<void> {
    this.failAll(new QrImageError("the QR renderer was closed"));
    await this.worker.terminate();
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  private failAll(error: QrImageError): void {
    for (const [id, waiting] of this.pending) {
      this.settled(id);
      waiting.reject(error);
    }
  }
}

/**
 * QR codes drawn on worker threads, so a render (about 3 ms warm, 70 ms and more cold) never
 * blocks the event loop that serves everyone's turns. Workers start at the first render or `start()`,
 * are reused, and each takes the request when it has the fewest waiting; a worker that dies
 * fails its waiting requests with a QrImageError and is replaced at the next render.
 * `close()` ends them.
 */
export class WorkerQrImages implements QrImages {
  private readonly workers: QrWorker[] = [];
  private readonly libraries = { qrcode: require.resolve("qrcode"), pngjs: require.resolve("pngjs") };
  private nextId = 0;

  constructor(private readonly size = 1) {}

  /** Starts the workers now (they warm up on their own thread), so the first person does not wait for it. */
  start(): void {
    while (this.workers.length < this.size) {
      this.workers.push(new QrWorker(this.libraries, this.forget));
    }
  }

  private readonly forget = (gone: QrWorker): void => {
    const index = this.workers.indexOf(gone);
    if (index >= 0) this.workers.splice(index, 1);
  };

  pngDataUri(text: string): Promise<string> {
    this.start();
    const worker = this.workers.reduce((least, w) => (w.pending.size < least.pending.size ? w : least));
    return worker.render(this.nextId++, text);
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
