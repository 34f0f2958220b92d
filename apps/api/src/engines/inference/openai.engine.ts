/**
 * The OpenAI-compatible engine: any server that speaks `POST /v1/chat/completions` with
 * `stream: true` — TGI, vLLM, llama.cpp's llama-server, Ollama, LM Studio, OpenAI itself — and,
 * through `HfInferenceEngine`, the Hugging Face router. Nothing runs locally: `memoryBytes` is 0.
 *
 * - Streaming: Server-Sent Events (`sse.ts`), `data: {chunk}` … `data: [DONE]`; text deltas go to
 *   `onToken` in order; `usage` is read from the final chunk (`stream_options.include_usage`).
 * - Abort (`params.signal`) cancels the HTTP request; the text received so far is returned with
 *   `finishReason: 'aborted'`.
 * - Failures are `ModelUnavailableError`s with the HTTP status, a `retryable` flag (429, 408, 5xx,
 *   connection failures, a stream cut mid-way) and the original error as `cause`. The API key is
 *   sent as `Authorization: Bearer …` and never appears in an error message or a log line.
 */
import { retryAfterMs, systemErrorCode } from '../../lib/net.js';
import { readSSE } from './sse.js';
import type {
  GenerateParams,
  GenerateResult,
  InferenceEngine,
  LoadedModel,
  LoadProgress,
  ModelDescriptor,
} from './port.js';

export type ModelUnavailableCode =
  | 'unreachable' // connection refused, DNS, TLS, timeout before the response
  | 'unauthorized' // 401, 403
  | 'not_found' // 404, or the model is not in GET /v1/models
  | 'rate_limited' // 429
  | 'bad_request' // other 4xx
  | 'server_error' // 5xx, or an error event inside the stream
  | 'bad_response' // not an event stream / not JSON
  | 'stream_interrupted'; // the connection ended before the reply did

/** The remote model could not serve the request. `retryable` says whether trying again may work. */
export class ModelUnavailableError extends Error {
  readonly code: ModelUnavailableCode;
  readonly status?: number;
  readonly retryable: boolean;
  /** From a `Retry-After` header, when the server sent one. */
  readonly retryAfterMs?: number;
  /** Text streamed before a `stream_interrupted` failure (already passed to `onToken`). */
  readonly partialText?: string;

  constructor(
    message: string,
    init: {
      code: ModelUnavailableCode;
      status?: number;
      retryable: boolean;
      retryAfterMs?: number;
      partialText?: string;
      cause?: unknown;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ModelUnavailableError';
    this.code = init.code;
    this.status = init.status;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.partialText = init.partialText;
  }
}

export type VerifyModel = 'present' | 'reachable' | 'none';

export interface OpenAIEngineOptions {
  /** Server used when a descriptor has no `baseUrl`, with or without the trailing `/v1`. */
  baseUrl?: string;
  /** Key used when a descriptor has no `apiKey`. Sent as a bearer token, never logged. */
  apiKey?: string;
  /** Extra request headers (e.g. `OpenAI-Organization`, a proxy's header). */
  headers?: Record<string, string>;
  /**
   * What `load()` checks with `GET /v1/models`: `present` (default) — the server answers and lists
   * the model; `reachable` — the server answers (and accepts the key); `none` — no request.
   */
  verifyModel?: VerifyModel;
  /** Ask for token counts in the stream (`stream_options.include_usage`). Default true. */
  includeUsage?: boolean;
  /** Time allowed until the response headers arrive. Default 60 s. */
  connectTimeoutMs?: number;
  /** Longest silence allowed between two stream chunks. Default 120 s. */
  idleTimeoutMs?: number;
  /** `fetch` to use (tests, proxies). Default: the global one. */
  fetch?: typeof fetch;
}

const strip = (url: string) => url.replace(/\/+$/, '').replace(/\/v1$/, '');

/** Where requests for one model go. */
export interface OpenAITarget {
  baseUrl: string;
  apiKey?: string;
}

export class OpenAIEngine implements InferenceEngine {
  readonly name: 'openai' | 'hf-inference' = 'openai';
  private readonly models = new Set<OpenAIModel>();

  constructor(protected readonly options: OpenAIEngineOptions = {}) {}

  protected target(model: ModelDescriptor): OpenAITarget {
    const baseUrl = model.baseUrl ?? this.options.baseUrl;
    if (!baseUrl)
      throw new ModelUnavailableError(`model ${model.id}: no baseUrl for the ${this.name} engine`, {
        code: 'bad_request',
        retryable: false,
      });
    return { baseUrl: strip(baseUrl), apiKey: model.apiKey ?? this.options.apiKey };
  }

  /** The model name the server expects (`model` field). */
  protected remoteModelName(model: ModelDescriptor): string {
    return model.path;
  }

  /** Whether an id from `GET /v1/models` names this model. */
  protected listed(ids: string[], model: ModelDescriptor): boolean {
    return ids.includes(this.remoteModelName(model));
  }

  async estimateMemoryBytes(): Promise<number> {
    return 0;
  }

  async load(model: ModelDescriptor, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel> {
    const target = this.target(model);
    const verify = this.options.verifyModel ?? 'present';
    onProgress?.({ progress: 0, phase: 'load', message: `checking ${target.baseUrl}` });
    if (verify !== 'none') {
      const http = new Http(this.options, target);
      const res = await http.request('GET', '/v1/models', undefined, undefined);
      let body: unknown;
      try {
        body = await res.json();
      } catch (err) {
        if (verify === 'present')
          throw new ModelUnavailableError(`${target.baseUrl}/v1/models did not answer JSON`, {
            code: 'bad_response',
            status: res.status,
            retryable: false,
            cause: err,
          });
      }
      if (verify === 'present') {
        const data = (body as { data?: Array<{ id?: unknown }> } | undefined)?.data;
        const ids = Array.isArray(data) ? data.map((m) => String(m?.id)) : [];
        if (!this.listed(ids, model)) {
          const some = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ', …' : '');
          throw new ModelUnavailableError(
            `model "${this.remoteModelName(model)}" is not served by ${target.baseUrl} (it lists: ${some || 'nothing'})`,
            { code: 'not_found', status: 404, retryable: false },
          );
        }
      }
    }
    const loaded = new OpenAIModel(model.id, this.remoteModelName(model), target, this.options, () =>
      this.models.delete(loaded),
    );
    this.models.add(loaded);
    onProgress?.({ progress: 1, phase: 'ready' });
    return loaded;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.models].map((m) => m.dispose()));
  }
}

/** The server's own words about an error: `{error: {message}}`, `{error: "…"}`, `{message}` or text. */
function serverMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = j.error;
    const m =
      (typeof e === 'object' && e && 'message' in e ? (e as { message: unknown }).message : e) ?? j.message ?? j.detail;
    if (typeof m === 'string') return m.slice(0, 300);
    if (m !== undefined) return JSON.stringify(m).slice(0, 300);
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300);
}

class Http {
  private readonly fetch: typeof fetch;

  constructor(
    private readonly options: OpenAIEngineOptions,
    private readonly target: OpenAITarget,
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Sends a request; a non-2xx answer becomes a ModelUnavailableError. Abort errors pass through. */
  async request(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.target.apiKey) headers.authorization = `Bearer ${this.target.apiKey}`;
    const url = `${this.target.baseUrl}${path}`;
    const connect = AbortSignal.timeout(this.options.connectTimeoutMs ?? 60_000);
    let res: Response;
    try {
      res = await this.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, connect]) : connect,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const code = systemErrorCode(err);
      const what = connect.aborted ? 'timed out' : `failed${code ? ` (${code})` : ''}`;
      throw new ModelUnavailableError(`${method} ${url} ${what}`, { code: 'unreachable', retryable: true, cause: err });
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    const status = res.status;
    const detail = serverMessage(text);
    const message = `${method} ${url}: HTTP ${status}${detail ? ` — ${detail}` : ''}`;
    const code: ModelUnavailableCode =
      status === 401 || status === 403
        ? 'unauthorized'
        : status === 404
          ? 'not_found'
          : status === 429
            ? 'rate_limited'
            : status >= 500
              ? 'server_error'
              : 'bad_request';
    throw new ModelUnavailableError(message, {
      code,
      status,
      retryable: status === 408 || status === 429 || status >= 500,
      retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
      cause: { status, body: text.slice(0, 2000) },
    });
  }
}

interface ChatChunk {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: unknown;
}

class OpenAIModel implements LoadedModel {
  readonly memoryBytes = 0;
  private readonly http: Http;
  private readonly active = new Set<Promise<unknown>>();
  private disposed = false;
  private includeUsage: boolean;

  constructor(
    readonly id: string,
    private readonly remoteName: string,
    private readonly target: OpenAITarget,
    private readonly options: OpenAIEngineOptions,
    private readonly onDisposed: () => void,
  ) {
    this.http = new Http(options, target);
    this.includeUsage = options.includeUsage ?? true;
  }

  generate(params: GenerateParams): Promise<GenerateResult> {
    if (this.disposed)
      return Promise.reject(
        new ModelUnavailableError(`model ${this.id} has been disposed`, { code: 'not_found', retryable: false }),
      );
    const run = this.run(params);
    this.active.add(run);
    const done = () => this.active.delete(run);
    run.then(done, done);
    return run;
  }

  private body(params: GenerateParams, usage: boolean): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.remoteName,
      messages: params.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
    };
    if (params.maxTokens !== undefined) body.max_tokens = params.maxTokens;
    if (params.temperature !== undefined) body.temperature = params.temperature;
    if (params.topP !== undefined) body.top_p = params.topP;
    if (params.seed !== undefined) body.seed = params.seed;
    if (params.stop && params.stop.length > 0) body.stop = params.stop;
    if (usage) body.stream_options = { include_usage: true };
    return body;
  }

  private async open(params: GenerateParams): Promise<Response> {
    try {
      return await this.http.request(
        'POST',
        '/v1/chat/completions',
        this.body(params, this.includeUsage),
        params.signal,
      );
    } catch (err) {
      // An older server that rejects `stream_options`: ask once more without it, and remember.
      if (
        this.includeUsage &&
        err instanceof ModelUnavailableError &&
        err.code === 'bad_request' &&
        /stream_options/i.test(err.message)
      ) {
        this.includeUsage = false;
        return this.http.request('POST', '/v1/chat/completions', this.body(params, false), params.signal);
      }
      throw err;
    }
  }

  private async run(params: GenerateParams): Promise<GenerateResult> {
    const t0 = performance.now();
    const { signal } = params;
    let text = '';
    let firstTokenAt: number | undefined;
    let finish: string | null | undefined;
    let done = false;
    let promptTokens: number | undefined;
    let completionTokens: number | undefined;
    const result = (finishReason: GenerateResult['finishReason']): GenerateResult => ({
      text,
      finishReason,
      promptTokens,
      completionTokens,
      timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - t0,
      totalMs: performance.now() - t0,
    });
    if (signal?.aborted) return result('aborted');

    // Idle watchdog: a server that stops sending (without closing) must not hang the reply forever.
    const idle = new AbortController();
    const idleMs = this.options.idleTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
      timer.unref?.();
    };
    const abortAll = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;

    try {
      arm();
      const res = await this.open({ ...params, signal: abortAll });
      const type = res.headers.get('content-type') ?? '';
      if (/json/i.test(type)) {
        // A server that ignores `stream: true` and answers one chat.completion: one piece.
        const whole = (await res.json().catch(() => null)) as {
          choices?: Array<{ message?: { content?: string | null }; finish_reason?: string | null }>;
          usage?: { prompt_tokens?: number; completion_tokens?: number };
        } | null;
        const choice = whole?.choices?.[0];
        if (typeof choice?.message?.content === 'string') {
          text = choice.message.content;
          firstTokenAt = performance.now();
          if (text) params.onToken?.(text);
          promptTokens = whole?.usage?.prompt_tokens;
          completionTokens = whole?.usage?.completion_tokens;
          return result(choice.finish_reason === 'length' ? 'length' : 'stop');
        }
      }
      if (!res.body || !/text\/event-stream/i.test(type)) {
        const body = await res.text().catch(() => '');
        throw new ModelUnavailableError(
          `POST ${this.target.baseUrl}/v1/chat/completions answered ${type || 'no content type'}, not an event stream`,
          { code: 'bad_response', status: res.status, retryable: false, cause: { body: body.slice(0, 2000) } },
        );
      }
      for await (const event of readSSE(res.body as unknown as AsyncIterable<Uint8Array>)) {
        arm();
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        let chunk: ChatChunk;
        try {
          chunk = JSON.parse(event.data) as ChatChunk;
        } catch (err) {
          throw new ModelUnavailableError(`unparseable stream chunk: ${event.data.slice(0, 200)}`, {
            code: 'bad_response',
            retryable: false,
            cause: err,
          });
        }
        if (event.event === 'error' || chunk.error) {
          throw new ModelUnavailableError(`the server failed mid-stream: ${serverMessage(event.data)}`, {
            code: 'server_error',
            retryable: true,
            partialText: text,
            cause: chunk.error ?? event.data,
          });
        }
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens ?? promptTokens;
          completionTokens = chunk.usage.completion_tokens ?? completionTokens;
        }
        const choice = chunk.choices?.[0];
        const piece = choice?.delta?.content;
        if (typeof piece === 'string' && piece.length > 0) {
          firstTokenAt ??= performance.now();
          text += piece;
          try {
            params.onToken?.(piece);
          } catch {
            // a listener's error must not break the stream
          }
        }
        if (choice?.finish_reason) finish = choice.finish_reason;
      }
      if (!done && !finish) {
        throw new ModelUnavailableError('the stream ended before the reply did', {
          code: 'stream_interrupted',
          retryable: true,
          partialText: text,
        });
      }
      return result(finish === 'length' ? 'length' : 'stop');
    } catch (err) {
      if (signal?.aborted) return result('aborted');
      if (err instanceof ModelUnavailableError) throw err;
      const why = idle.signal.aborted ? `no data for ${idleMs} ms` : 'connection lost';
      throw new ModelUnavailableError(`the stream from ${this.target.baseUrl} broke: ${why}`, {
        code: 'stream_interrupted',
        retryable: true,
        partialText: text,
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.allSettled([...this.active]);
    this.onDisposed();
  }
}
