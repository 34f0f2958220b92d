/**
 * One HTTP call to a cloud speech API over Node's own `fetch` (undici): a time limit per attempt,
 * the caller's abort signal, a few retries with a short backoff on 408/429/5xx and dropped
 * connections (`Retry-After` is honoured up to a cap; a timed-out attempt is not repeated), and failures as `SpeechError`s that carry
 * the vendor's own words. Keys travel only in request headers; every message that leaves here is
 * scrubbed of them, whatever the vendor (or a proxy) echoes back.
 */
import { retryAfterMs, systemErrorCode } from '../../../lib/net.js';
import { SpeechError } from '../port.js';

export interface HttpSettings {
  /** Name in messages, e.g. "Azure Speech". */
  vendor: string;
  /** Time allowed for one attempt, response body included. */
  timeoutMs: number;
  /** Further attempts after a retryable failure. */
  retries: number;
  /** Longest wait between attempts (also caps `Retry-After`). */
  maxBackoffMs?: number;
  fetch?: typeof fetch;
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  /** Built anew for each attempt (a consumed stream or form cannot be sent twice). */
  body: () => NonNullable<RequestInit['body']>;
  /** The `SpeechError` code of a request the vendor refused (4xx other than auth). */
  failure: 'TRANSCRIBE_FAILED' | 'SYNTHESIZE_FAILED';
  signal?: AbortSignal;
}

/** Replace each secret (keys, tokens) wherever it appears in `text`. */
export function scrub(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

/** The vendor's own words in an error body (OpenAI, Google, Azure, ElevenLabs shapes), else the text. */
export function vendorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const pick = (v: unknown): string | undefined => {
      if (typeof v === 'string') return v;
      if (Array.isArray(v))
        return (
          v
            .map((x) => pick(x))
            .filter(Boolean)
            .join('; ') || undefined
        );
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return pick(o.message) ?? pick(o.msg) ?? pick(o.status);
      }
      return undefined;
    };
    const m = pick(j.error) ?? pick(j.detail) ?? pick(j.message);
    if (m) return m.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.trim().replace(/\s+/g, ' ').slice(0, 300);
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * POST `req` and return the successful response with its body read. `secrets` are scrubbed from
 * every error message. An aborted `req.signal` rejects with its reason, at once.
 */
export async function post(
  req: HttpRequest,
  settings: HttpSettings,
  secrets: ReadonlyArray<string | undefined>,
): Promise<{ response: Response; body: Buffer }> {
  const doFetch = settings.fetch ?? fetch;
  const maxBackoff = settings.maxBackoffMs ?? 2000;
  const host = new URL(req.url).host;
  const fail = (code: SpeechError['code'], message: string) =>
    new SpeechError(code, scrub(`${settings.vendor}: ${message}`, secrets));
  let last: SpeechError | undefined;
  for (let attempt = 0; attempt <= settings.retries; attempt++) {
    if (req.signal?.aborted) throw req.signal.reason as Error;
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let wait: number | undefined;
    try {
      const response = await doFetch(req.url, { method: 'POST', headers: req.headers, body: req.body(), signal });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.ok) return { response, body };
      const said = vendorMessage(body.toString('utf8')) || response.statusText;
      const status = response.status;
      if (status === 401 || status === 403) throw fail('ENGINE_UNAVAILABLE', `HTTP ${status} (check the key): ${said}`);
      if (!RETRYABLE.has(status)) throw fail(req.failure, `HTTP ${status}: ${said}`);
      last = fail('ENGINE_UNAVAILABLE', `HTTP ${status}: ${said}`);
      wait = retryAfterMs(response.headers.get('retry-after'));
    } catch (err) {
      if (err instanceof SpeechError) throw err;
      if (req.signal?.aborted) throw req.signal.reason as Error;
      // A slow vendor is not asked again: the person is already waiting.
      if (timeout.aborted) throw fail('ENGINE_UNAVAILABLE', `no answer from ${host} within ${settings.timeoutMs} ms`);
      const code = systemErrorCode(err);
      last = fail('ENGINE_UNAVAILABLE', `cannot reach ${host}${code ? ` (${code})` : ''}: ${(err as Error).message}`);
    }
    if (attempt < settings.retries) {
      const backoff = Math.min(maxBackoff, wait ?? 150 * 2 ** attempt * (1 + Math.random() / 2));
      await sleep(backoff, req.signal);
    }
  }
  throw last!;
}
