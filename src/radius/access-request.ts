/**
 * The fields of an Access-Request the login modes need, read from a packet whose structure
 * (and Message-Authenticator, when present) has already been checked. Anything unusable
 * is a "bad request": answered with Access-Reject, never passed on half-read.
 */
import { attributesOf, RadiusAttribute, type RadiusPacket } from "./radius-packet.js";
import { decryptUserPassword } from "./user-password.js";

export interface AccessRequestFields {
  /** As sent (login, DOMAIN\login or UPN): resolving it is the validator's job. */
  userName: string;
  /** The decrypted User-Password: the code, the AD password, or both, depending on the mode. */
  password: string;
  /** challenge mode, second round: the State from our Access-Challenge. */
  state?: string;
}

export type ReadAccessRequest = { ok: true; fields: AccessRequestFields } | { ok: false; problem: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function text(value: Buffer): string | null {
  try {
    return utf8.decode(value);
  } catch {
    return null;
  }
}

function single(packet: RadiusPacket, type: number): { value?: Buffer; duplicated: boolean } {
  const found = attributesOf(packet, type);
  return { value: found[0]?.value, duplicated: found.length > 1 };
}

export function readAccessRequest(packet: RadiusPacket, secret: string): ReadAccessRequest {
  const name = single(packet, RadiusAttribute.UserName);
  if (!name.value || name.value.length === 0) return { ok: false, problem: "no User-Name" };
  if (name.duplicated) return { ok: false, problem: "more than one User-Name" };
  const userName = text(name.value);
  // Names never hold control characters; refusing them keeps the audit trail and logs plain.
  if (userName === null || CONTROL_CHARACTERS.test(userName)) return { ok: false, problem: "User-Name is not plain UTF-8 text" };

  if (attributesOf(packet, RadiusAttribute.ChapPassword).length > 0) {
    // CHAP hides the cleartext, and a TOTP code can only be checked in cleartext.
    return { ok: false, problem: "CHAP-Password is not supported" };
  }
  const encrypted = single(packet, RadiusAttribute.UserPassword);
  if (!encrypted.value) return { ok: false, problem: "no User-Password" };
  if (encrypted.duplicated) return { ok: false, problem: "more than one User-Password" };
  const password = decryptUserPassword(encrypted.value, secret, packet.authenticator);
  if (password === null) return { ok: false, problem: "User-Password is malformed" };

  const stateAttribute = single(packet, RadiusAttribute.State);
  if (stateAttribute.duplicated) return { ok: false, problem: "more than one State" };
  if (!stateAttribute.value) return { ok: true, fields: { userName, password } };
  const state = text(stateAttribute.value);
  if (state === null || state.length === 0) return { ok: false, problem: "State is not one we issued" };
  return { ok: true, fields: { userName, password, state } };
}
