/**
 * The QR port on worker threads: the PNG is small and decodes back to the text, each request
 * in flight gets its own image, and every failure is a QrImageError that names neither the
 * text nor the secret in it.
 */
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { WorkerQrImages } from "../../src/adapters/qr/worker-qr-images.js";
import { QrImageError } from "../../src/features/shared/errors.js";
import { qrTextOf } from "../support/cards.js";

const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const uri = (who: string) =>
  `otpauth://totp/Region%20JH:${who}%40regionjh.se?secret=${secret}&issuer=Region%20JH&algorithm=SHA1&digits=6&period=30`;
const decode = (dataUri: string) => qrTextOf({ type: "AdaptiveCard", body: [{ type: "Image", url: dataUri }] });

const pool = new WorkerQrImages(2);
afterAll(() => pool.close());

describe("WorkerQrImages", () => {
  it("draws a small grayscale PNG that decodes back to the URI", async () => {
    const image = await pool.pngDataUri(uri("alexw"));
    expect(image.startsWith("data:image/png;base64,")).toBe(true);
    const bytes = Buffer.from(image.slice("data:image/png;base64,".length), "base64");
    expect(bytes[25]).toBe(0); // IHDR colour type 0: grayscale
    const png = PNG.sync.read(bytes);
    expect(png.width).toBeGreaterThan(200); // 5 pixels a module: scannable from a screen
    expect(image.length).toBeLessThan(4_500); // Teams limits a whole card to about 28 KB
    expect(decode(image)).toBe(uri("alexw"));
  });

  it("answers requests in flight together, each with its own image", async () => {
    const people = ["anna", "bertil", "cecilia", "david", "eva", "fredrik"];
    const images = await Promise.all(people.map((who) => pool.pngDataUri(uri(who))));
    expect(images.map(decode)).toEqual(people.map(uri));
  });

  it("turns a failed render into a QrImageError without the text, and keeps serving", async () => {
    const tooLong = `${uri("alexw")}&pad=${"x".repeat(8_000)}`; // more than a QR code holds
    const error = await pool.pngDataUri(tooLong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QrImageError);
    expect(String((error as Error).message)).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(decode(await pool.pngDataUri(uri("alexw")))).toBe(uri("alexw"));
  });

  it("fails the requests still waiting when it is closed, and starts afresh at the next render", async () => {
    const own = new WorkerQrImages();
    const waiting = expect(own.pngDataUri(uri("alexw"))).rejects.toBeInstanceOf(QrImageError);
    await own.close();
    await waiting;
    expect(decode(await own.pngDataUri(uri("bertil")))).toBe(uri("bertil"));
    await own.close();
  });
});
