import { generateSecret, generateSync, generateURI, verifySync } from "otplib";
import type { Totp, TotpMatch } from "../ports/totp.js";

const PERIOD = 30;

/** RFC 6238 through otplib: SHA-1, 6 digits, 30 s, as Microsoft Authenticator expects. */
export class OtplibTotp implements Totp {
  generateSecret(): string {
    return generateSecret({ length: 20 });
  }

  uri(secret: string, issuer: string, label: string): string {
    return generateURI({ strategy: "totp", issuer, label, secret, algorithm: "sha1", digits: 6, period: PERIOD });
  }

  codeAt(secret: string, at: Date): string {
    return generateSync({ secret, strategy: "totp", epoch: Math.floor(at.getTime() / 1000), period: PERIOD });
  }

  match(secret: string, code: string, at: Date, maxSteps: number): TotpMatch | null {
    const epoch = Math.floor(at.getTime() / 1000);
    const result = verifySync({ secret, token: code, strategy: "totp", epoch, period: PERIOD, epochTolerance: maxSteps * PERIOD });
    if (!result.valid) return null;
    const valid = result as { delta: number; timeStep?: number };
    return { delta: valid.delta, timeStep: valid.timeStep ?? Math.floor(epoch / PERIOD) + valid.delta };
  }
}
