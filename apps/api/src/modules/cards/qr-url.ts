/**
 * What the printed QR encodes: the emergency URL `<base>/emergency/<token>`, so an ordinary phone
 * camera opens the read-only emergency page. The token alone is the credential (its HMAC covers
 * only the token); the host part grants nothing and is not checked (see docs/decisions.md).
 */

/** The URL a QR encodes for a token, on the given public base (no trailing slash). */
export function qrUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/emergency/${encodeURIComponent(token)}`;
}

/**
 * The token inside a QR string: the bare token as is (older prints, pasted tokens), or the last
 * path segment of an `http(s)://…/emergency/<token>` URL (no query or fragment). Null otherwise;
 * the token's signature is checked by the caller.
 */
export function qrTokenOf(qr: string): string | null {
  const text = qr.trim();
  if (!/^https?:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.search || url.hash || url.username || url.password) return null;
  const m = /\/emergency\/([^/]+)$/.exec(url.pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}
