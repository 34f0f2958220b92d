/** Small facts about failed HTTP calls that every outbound client (inference, speech) reads the same way. */

/** Walks `err.cause` for a system error code (ECONNREFUSED, ENOTFOUND, UND_ERR_…). */
export function systemErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    e = cause;
  }
  return undefined;
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds from now. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
