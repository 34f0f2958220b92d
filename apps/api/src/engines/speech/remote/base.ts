/** What every remote engine shares: the key kept out of sight, the HTTP call, timing and audio. */
import { SpeechError, type SpeechAudio, type Transcript } from '../port.js';
import { audioSeconds, toWav16k } from './audio.js';
import { post, type HttpRequest } from './http.js';
import type { RemoteHttpOptions } from './options.js';

export interface TranscribeOptions {
  language?: string;
  signal?: AbortSignal;
}
export interface SynthesizeOptions {
  voice?: string;
  language?: string;
  signal?: AbortSignal;
}

export abstract class RemoteEngine {
  /** A private field: `util.inspect`, `JSON.stringify` and loggers never see it. */
  readonly #key: string | undefined;
  private readonly http: RemoteHttpOptions;

  protected constructor(
    protected readonly vendor: string,
    key: string | undefined,
    http: RemoteHttpOptions,
  ) {
    this.#key = key;
    this.http = { timeoutMs: http.timeoutMs, retries: http.retries, fetch: http.fetch };
  }

  protected get key(): string | undefined {
    return this.#key;
  }

  protected call(req: HttpRequest): Promise<{ response: Response; body: Buffer }> {
    const { timeoutMs, retries, fetch } = this.http;
    return post(req, { vendor: this.vendor, timeoutMs, retries, fetch }, [this.#key]);
  }

  /** A JSON answer, or a `SpeechError` naming the vendor. */
  protected json<T>(body: Buffer, code: SpeechError['code']): T {
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch {
      throw new SpeechError(code, `${this.vendor}: the answer is not JSON`);
    }
  }

  /** Convert `path` to 16 kHz mono WAV, run `recognise` on it, and time it all. */
  protected async transcribeWith(
    path: string,
    signal: AbortSignal | undefined,
    recognise: (wav: Buffer, durationSeconds: number) => Promise<{ text: string; language: string }>,
    maxSeconds = Infinity,
  ): Promise<Transcript> {
    const started = performance.now();
    const { wav, durationSeconds } = await toWav16k(path, signal);
    if (durationSeconds > maxSeconds)
      throw new SpeechError(
        'TRANSCRIBE_FAILED',
        `${this.vendor}: audio of ${durationSeconds.toFixed(1)} s is longer than the ${maxSeconds} s it takes in one request`,
      );
    const { text, language } = await recognise(wav, durationSeconds);
    return { text: text.trim(), language, durationSeconds, seconds: (performance.now() - started) / 1000 };
  }

  /** Time `synthesise` and measure the audio it returns (decoding it proves it is audio). */
  protected async synthesizeWith(
    text: string,
    signal: AbortSignal | undefined,
    synthesise: () => Promise<{ audio: Buffer; mimeType: string }>,
  ): Promise<SpeechAudio> {
    if (!text.trim()) throw new SpeechError('SYNTHESIZE_FAILED', `${this.vendor}: nothing to say`);
    const started = performance.now();
    const { audio, mimeType } = await synthesise();
    let durationSeconds: number;
    try {
      durationSeconds = await audioSeconds(audio, signal);
    } catch (err) {
      if (err instanceof SpeechError)
        throw new SpeechError('SYNTHESIZE_FAILED', `${this.vendor}: the answer is not audio (${err.message})`);
      throw err;
    }
    return { audio, mimeType, durationSeconds, seconds: (performance.now() - started) / 1000 };
  }

  async close(): Promise<void> {
    // Nothing held open: each request is its own.
  }
}

/** The options an engine keeps: everything but the key (which lives in a private field). */
export function withoutKey<T extends { apiKey?: string }>(options: T): Omit<T, 'apiKey'> {
  const { apiKey: _key, ...rest } = options;
  return rest;
}

/** Base URL without trailing slashes (and without a trailing `/v1` the paths add again). */
export function stripBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}
