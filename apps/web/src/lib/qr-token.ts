/**
 * The medical QR: an opaque, signed, versioned token `mc1.<userId>.<version>.<signature>` (the API
 * checks the signature and the version; this file only recognises the shape). Printed QRs encode it
 * inside a link to the emergency page (`<base>/emergency/<token>`, so a phone camera opens that page);
 * older prints and pasted text carry the bare token. Both are accepted.
 */
const QR_TOKEN = /^mc1\.([A-Za-z0-9_-]{1,64})\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{43})$/;

/** Whether `value` has the shape of a medical QR token (not whether it is genuine or current). */
export function isQrToken(value: string): boolean {
  return QR_TOKEN.test(value);
}

/** The token inside scanned or pasted text: the text itself, or the last path segment of a link. */
export function extractQrToken(text: string): string | null {
  const trimmed = text.trim();
  if (isQrToken(trimmed)) return trimmed;
  const m = /\/emergency\/([^/?#\s]+)/.exec(trimmed);
  if (m) {
    const candidate = decodeURIComponent(m[1]!);
    if (isQrToken(candidate)) return candidate;
  }
  return null;
}

/** The account a QR token names (for the PIN step of a QR sign-in), or null. */
export function qrTokenUserId(token: string): string | null {
  return QR_TOKEN.exec(token)?.[1] ?? null;
}
