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

export abstract class RemoteEngine<O extends RemoteHttpOptions & { apiKey?: string }> {
  /** A private field: `util.inspect`, `JSON.stringify` and loggers never see it. */
  readonly #key: string | undefined;
  private readonly http: RemoteHttpOptions;
  /** The vendor settings, without the key. */
  protected readonly options: Omit<O, 'apiKey'>;

  /** `keyVariable`: the setting to name when the vendor needs a key and none is configured. */
  protected constructor(
    protected readonly vendor: string,
    options: O,
    keyVariable?: string,
  ) {
    const { apiKey, ...rest } = options;
    if (keyVariable && !apiKey) throw new SpeechError('ENGINE_UNAVAILABLE', `${vendor} needs ${keyVariable}`);
    this.#key = apiKey;
    this.options = rest;
    this.http = { timeoutMs: options.timeoutMs, retries: options.retries, fetch: options.fetch };
  }

  protected get key(): string | undefined {
    return this.#key;
  }

  protected call(req: HttpRequest): Promise<{ response: Response; body: Buffer }> {
    return post(req, { vendor: this.vendor, ...this.http }, [this.#key]);
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
    recognise: (wav: Buffer) => Promise<{ text: string; language: string }>,
    maxSeconds = Infinity,
  ): Promise<Transcript> {
    const started = performance.now();
    const { wav, durationSeconds } = await toWav16k(path, signal);
    if (durationSeconds > maxSeconds)
      throw new SpeechError(
        'TRANSCRIBE_FAILED',
        `${this.vendor}: audio of ${durationSeconds.toFixed(1)} s is longer than the ${maxSeconds} s it takes in one request`,
      );
    const { text, language } = await recognise(wav);
    return { text: text.trim(), language, durationSeconds, seconds: (performance.now() - started) / 1000 };
  }

  /** Time `synthesise` and measure the audio it returns (which also proves it is audio). */
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

/** A multipart form with the WAV as `file` and the given text fields (unset ones left out). */
export function audioForm(wav: Buffer, fields: Record<string, string | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'audio.wav');
  return form;
}

/** Base URL without trailing slashes (and without a trailing `/v1` the paths add again). */
export function stripBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}
