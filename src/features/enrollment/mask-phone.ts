/**
 * Shows enough of a number for the owner to recognise it and no more:
 * +46701234567 → "+46 70 *** ** 67".
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/[^\d]/g, "");
  if (e164.startsWith("+46") && digits.length >= 10) {
    return `+46 ${digits.slice(2, 4)} *** ** ${digits.slice(-2)}`;
  }
  if (digits.length < 6) return "***";
  return `+${digits.slice(0, 2)} *** ${digits.slice(-2)}`;
}
