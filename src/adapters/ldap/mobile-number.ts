/** Normalises a directory phone number to E.164 (+46701234567), or undefined when unusable. */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

export function normaliseMobile(raw: string | undefined, defaultCountry: CountryCode): string | undefined {
  if (!raw) return undefined;
  // "+46 (0)70-…" is common in directories: the national trunk 0 must go.
  const cleaned = raw.trim().replace(/\(0\)/g, "");
  if (!cleaned || cleaned.length > 40) return undefined;
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry);
  if (!parsed?.isValid()) return undefined;
  return parsed.number;
}
