/**
 * Local servers speaking the cloud speech APIs, for the engines' protocol tests. Each checks a
 * request the way its vendor does — method, path, auth header, content type, body shape — and
 * answers in the vendor's own success and error formats. A transcript comes back only when the
 * request carried a real 16 kHz mono 16-bit PCM WAV with sound in it (the RIFF header is read
 * here, independently of the engines' own audio code), so the engines' conversion is really
 * exercised. Faults can be queued (`failNext`, `hangNext`) to test retries and timeouts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Vendor = 'openai' | 'elevenlabs' | 'azure' | 'google';

/** What the fake saw of one request. */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Seconds of 16 kHz mono PCM the request carried (speech-to-text), when it was valid. */
  audioSeconds?: number;
  /** Parsed JSON / form fields, for the tests' own checks. */
  fields?: Record<string, unknown>;
}

export interface FakeOptions {
  key: string;
  /** What the speech-to-text endpoints answer for valid speech. */
  transcript: string;
  /** The audio the text-to-speech endpoints return, by format. */
  audio: TtsFixtures;
}

export interface Fault {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface FakeServer {
  url: string;
  seen: Seen[];
  failNext(...faults: Fault[]): void;
  /** The next request gets no answer until the server closes. */
  hangNext(): void;
  close(): Promise<void>;
}

/** Audio fixtures made with espeak-ng and ffmpeg: one spoken sentence in each format the fakes return. */
export interface TtsFixtures {
  /** espeak-ng's own WAV (22 050 Hz). */
  wav: Buffer;
  wav16k: Buffer;
  mp3: Buffer;
  /** Raw s16le mono at 16 kHz (ElevenLabs `pcm_16000`). */
  pcm16k: Buffer;
  /** Length of the sentence, from the WAV header. */
  seconds: number;
}

export function makeTtsFixtures(dir: string, sentence = 'Please rest and drink plenty of water.'): TtsFixtures {
  const wavPath = join(dir, 'tts.wav');
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', wavPath, sentence]);
  const ff = (args: string[]) => ffmpeg('-i', wavPath, ...args, 'pipe:1');
  const wav = readFileSync(wavPath);
  const info = readWav(wav);
  if (!info) throw new Error('espeak-ng wrote no WAV');
  return {
    wav,
    wav16k: ff(['-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav', '-bitexact']),
    mp3: ff(['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3']),
    pcm16k: ff(['-ac', '1', '-ar', '16000', '-f', 's16le']),
    seconds: info.seconds,
  };
}

/** Run ffmpeg quietly, overwriting its output: `ffmpeg('-i', in, …, out)`. */
export function ffmpeg(...args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A spoken sentence as espeak-ng writes it (22 050 Hz: the engines must convert it). */
export function speak(dir: string, name: string, sentence: string): string {
  const path = join(dir, name);
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', path, sentence]);
  return path;
}

interface WavInfo {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  data: Buffer;
  seconds: number;
}

/** RIFF/WAVE: the `fmt ` and `data` chunks, or undefined when it is not a WAV file. */
export function readWav(buf: Buffer): WavInfo | undefined {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    return undefined;
  let fmt: Omit<WavInfo, 'data' | 'seconds'> | undefined;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('ascii', at, at + 4);
    let size = buf.readUInt32LE(at + 4);
    // Streamed WAVs (espeak-ng, ffmpeg on a pipe) may leave the data size unset.
    if (id === 'data' && (size === 0 || size === 0xffffffff || at + 8 + size > buf.length)) size = buf.length - at - 8;
    if (id === 'fmt ')
      fmt = {
        format: buf.readUInt16LE(at + 8),
        channels: buf.readUInt16LE(at + 10),
        sampleRate: buf.readUInt32LE(at + 12),
        bits: buf.readUInt16LE(at + 22),
      };
    if (id === 'data' && fmt) {
      const data = buf.subarray(at + 8, at + 8 + size);
      return { ...fmt, data, seconds: data.length / (fmt.channels * (fmt.bits / 8) * fmt.sampleRate) };
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** Why `wav` is not 16 kHz mono 16-bit PCM with sound in it, or its length in seconds. */
function check16kSpeech(wav: Buffer): { seconds: number } | { why: string } {
  const w = readWav(wav);
  if (!w) return { why: 'not a RIFF/WAVE file' };
  if (w.format !== 1 || w.bits !== 16) return { why: `codec ${w.format}/${w.bits} bit is not 16-bit PCM` };
  if (w.channels !== 1) return { why: `${w.channels} channels, expected mono` };
  if (w.sampleRate !== 16000) return { why: `sample rate ${w.sampleRate}, expected 16000` };
  let peak = 0;
  for (let i = 0; i + 1 < w.data.length; i += 2) peak = Math.max(peak, Math.abs(w.data.readInt16LE(i)));
  if (peak < 500) return { seconds: -w.seconds }; // silence: valid audio, no speech
  return { seconds: w.seconds };
}

type Reply = { status: number; type?: string; body: Buffer | string | object; headers?: Record<string, string> };
type Handler = (seen: Seen, o: FakeOptions) => Promise<Reply> | Reply;

const json = (status: number, body: object): Reply => ({ status, type: 'application/json', body });

async function form(seen: Seen): Promise<FormData | undefined> {
  const type = seen.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data; boundary=')) return undefined;
  try {
    return await new Response(new Uint8Array(seen.body), { headers: { 'content-type': type } }).formData();
  } catch {
    return undefined;
  }
}

function parseJson(seen: Seen): Record<string, unknown> | undefined {
  if (!String(seen.headers['content-type']).startsWith('application/json')) return undefined;
  try {
    const j = JSON.parse(seen.body.toString('utf8')) as unknown;
    return j && typeof j === 'object' ? (j as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// ── OpenAI: https://platform.openai.com/docs/api-reference/audio ──
const openaiError = (status: number, message: string, code: string | null = null, param: string | null = null) =>
  json(status, { error: { message, type: 'invalid_request_error', param, code } });

const OPENAI_VOICES = new Set(['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer']);

const openai: Handler = async (seen, o) => {
  if (seen.headers.authorization !== `Bearer ${o.key}`)
    // OpenAI echoes (part of) the key it was given: the engines must not pass it on.
    return openaiError(
      401,
      `Incorrect API key provided: ${String(seen.headers.authorization).slice(7)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_api_key',
    );
  if (seen.path === '/v1/audio/transcriptions') {
    const f = await form(seen);
    if (!f) return openaiError(400, 'Could not parse multipart form');
    const file = f.get('file');
    const model = f.get('model');
    const format = f.get('response_format') ?? 'json';
    seen.fields = Object.fromEntries([...f.keys()].map((k) => [k, f.get(k)]));
    if (typeof model !== 'string' || !model)
      return openaiError(400, 'you must provide a model parameter', null, 'model');
    if (!(file instanceof File))
      return openaiError(400, '1 validation error for Request\nbody -> file\n  field required', null, 'file');
    if (format !== 'json' && format !== 'verbose_json')
      return openaiError(400, `Unsupported response_format: ${String(format)}`, null, 'response_format');
    const audio = check16kSpeech(Buffer.from(await file.arrayBuffer()));
    if ('why' in audio) return openaiError(400, `Invalid file format (${audio.why}).`, null, 'file');
    seen.audioSeconds = Math.abs(audio.seconds);
    const text = audio.seconds > 0 ? o.transcript : '';
    const language = typeof f.get('language') === 'string' ? String(f.get('language')) : 'english';
    return format === 'json'
      ? json(200, { text })
      : json(200, { task: 'transcribe', language, duration: seen.audioSeconds, text, segments: [] });
  }
  if (seen.path === '/v1/audio/speech') {
    const j = parseJson(seen);
    if (!j) return openaiError(400, 'We could not parse the JSON body of your request.');
    seen.fields = j;
    if (typeof j.model !== 'string') return openaiError(400, "Missing required parameter: 'model'.", null, 'model');
    if (typeof j.input !== 'string' || !j.input || j.input.length > 4096)
      return openaiError(400, "Invalid 'input': string of 1 to 4096 characters expected.", null, 'input');
    if (typeof j.voice !== 'string' || !OPENAI_VOICES.has(j.voice))
      return openaiError(400, `Invalid value for 'voice': ${String(j.voice)}.`, null, 'voice');
    const format = j.response_format ?? 'mp3';
    if (format === 'wav') return { status: 200, type: 'audio/wav', body: o.audio.wav };
    if (format === 'mp3') return { status: 200, type: 'audio/mpeg', body: o.audio.mp3 };
    return openaiError(400, `Invalid value for 'response_format': ${String(format)}.`, null, 'response_format');
  }
  return openaiError(404, `Invalid URL (POST ${seen.path})`);
};

// ── ElevenLabs: https://elevenlabs.io/docs/api-reference ──
const elevenError = (status: number, code: string, message: string) =>
  json(status, { detail: { status: code, message } });

const elevenlabs: Handler = async (seen, o) => {
  const key = seen.headers['xi-api-key'];
  if (key !== o.key)
    return elevenError(
      401,
      key ? 'invalid_api_key' : 'needs_authorization',
      key ? 'Invalid API key' : 'Missing API key',
    );
  const tts = /^\/v1\/text-to-speech\/([A-Za-z0-9]{8,40})$/.exec(seen.path);
  if (tts) {
    const j = parseJson(seen);
    if (!j) return json(400, { detail: [{ loc: ['body'], msg: 'Expected JSON body', type: 'value_error' }] });
    seen.fields = j;
    if (typeof j.text !== 'string' || !j.text)
      return json(422, { detail: [{ loc: ['body', 'text'], msg: 'field required', type: 'value_error.missing' }] });
    if (tts[1] !== '21m00Tcm4TlvDq8ikWAM')
      return elevenError(404, 'voice_not_found', `A voice with the voice_id ${tts[1]} was not found.`);
    const format = seen.query.get('output_format') ?? 'mp3_44100_128';
    if (format.startsWith('mp3_')) return { status: 200, type: 'audio/mpeg', body: o.audio.mp3 };
    if (format === 'pcm_16000') return { status: 200, type: 'audio/pcm', body: o.audio.pcm16k };
    return json(422, { detail: [{ loc: ['query', 'output_format'], msg: `invalid format ${format}`, type: 'enum' }] });
  }
  if (seen.path === '/v1/speech-to-text') {
    const f = await form(seen);
    if (!f) return json(422, { detail: [{ loc: ['body'], msg: 'Expected multipart form', type: 'value_error' }] });
    seen.fields = Object.fromEntries([...f.keys()].map((k) => [k, f.get(k)]));
    const file = f.get('file');
    if (typeof f.get('model_id') !== 'string')
      return json(422, { detail: [{ loc: ['body', 'model_id'], msg: 'field required', type: 'missing' }] });
    if (!(file instanceof File))
      return json(422, { detail: [{ loc: ['body', 'file'], msg: 'field required', type: 'missing' }] });
    const audio = check16kSpeech(Buffer.from(await file.arrayBuffer()));
    if ('why' in audio) return elevenError(400, 'invalid_audio', `The audio could not be read: ${audio.why}`);
    seen.audioSeconds = Math.abs(audio.seconds);
    const text = audio.seconds > 0 ? o.transcript : '';
    return json(200, {
      language_code: 'eng',
      language_probability: 0.98,
      text,
      words: text.split(' ').map((w, i) => ({ text: w, start: i * 0.3, end: i * 0.3 + 0.25, type: 'word' })),
    });
  }
  return json(404, { detail: 'Not Found' });
};

// ── Azure AI Speech REST: short-audio recognition and TTS ──
const azureAuthError = json(401, {
  error: {
    code: '401',
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  },
});

const AZURE_FORMATS = new Set([
  'riff-16khz-16bit-mono-pcm',
  'riff-24khz-16bit-mono-pcm',
  'audio-16khz-32kbitrate-mono-mp3',
]);

const azure: Handler = (seen, o) => {
  if (seen.headers['ocp-apim-subscription-key'] !== o.key) return azureAuthError;
  if (seen.path === '/speech/recognition/conversation/cognitiveservices/v1') {
    const language = seen.query.get('language');
    if (!language || !/^[a-z]{2,3}-[A-Z]{2}$/.test(language))
      return { status: 400, type: 'text/plain', body: 'Unsupported or missing language' };
    if (seen.headers['content-type'] !== 'audio/wav; codecs=audio/pcm; samplerate=16000')
      return { status: 415, type: 'text/plain', body: 'Unsupported Media Type' };
    const audio = check16kSpeech(seen.body);
    if ('why' in audio) return { status: 400, type: 'text/plain', body: `Invalid audio: ${audio.why}` };
    seen.audioSeconds = Math.abs(audio.seconds);
    const ticks = Math.round(seen.audioSeconds * 1e7);
    return audio.seconds > 0
      ? json(200, { RecognitionStatus: 'Success', DisplayText: o.transcript, Offset: 1_000_000, Duration: ticks })
      : json(200, { RecognitionStatus: 'InitialSilenceTimeout', Offset: ticks, Duration: 0 });
  }
  if (seen.path === '/cognitiveservices/v1') {
    if (seen.headers['content-type'] !== 'application/ssml+xml')
      return { status: 400, type: 'text/plain', body: 'Content-Type must be application/ssml+xml' };
    const format = String(seen.headers['x-microsoft-outputformat']);
    if (!AZURE_FORMATS.has(format))
      return { status: 400, type: 'text/plain', body: `Unsupported output format ${format}` };
    if (!seen.headers['user-agent']) return { status: 400, type: 'text/plain', body: 'User-Agent header is required' };
    const ssml = seen.body.toString('utf8');
    const m =
      /^<speak version="1\.0" xmlns="http:\/\/www\.w3\.org\/2001\/10\/synthesis" xml:lang="([a-z]{2}-[A-Z]{2})"><voice name="([A-Za-z]{2}-[A-Za-z]{2}-[A-Za-z]+Neural)">([^<]+)<\/voice><\/speak>$/.exec(
        ssml,
      );
    if (!m) return { status: 400, type: 'text/plain', body: 'Invalid SSML' };
    seen.fields = { lang: m[1], voice: m[2], text: m[3] };
    return { status: 200, type: 'audio/x-wav', body: o.audio.wav16k };
  }
  return { status: 404, type: 'text/plain', body: 'Resource not found' };
};

// ── Google Cloud Speech-to-Text v1 and Text-to-Speech v1 ──
const googleError = (status: number, code: string, message: string) =>
  json(status, { error: { code: status, message, status: code } });

const google: Handler = (seen, o) => {
  if (seen.query.has('key')) return googleError(400, 'INVALID_ARGUMENT', 'the tests require the key in x-goog-api-key');
  const key = seen.headers['x-goog-api-key'];
  if (!key)
    return googleError(
      403,
      'PERMISSION_DENIED',
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  if (key !== o.key) return googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.');
  const j = parseJson(seen);
  if (!j) return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
  seen.fields = j;
  if (seen.path === '/v1/speech:recognize') {
    const config = j.config as Record<string, unknown> | undefined;
    const content = (j.audio as { content?: unknown } | undefined)?.content;
    if (!config || typeof content !== 'string')
      return googleError(400, 'INVALID_ARGUMENT', 'RecognitionAudio not set.');
    if (typeof config.languageCode !== 'string')
      return googleError(400, 'INVALID_ARGUMENT', "Invalid recognition 'config': missing language_code.");
    const wav = Buffer.from(content, 'base64');
    const audio = check16kSpeech(wav);
    if ('why' in audio) return googleError(400, 'INVALID_ARGUMENT', `Invalid audio: ${audio.why}`);
    if (config.encoding !== 'LINEAR16' || config.sampleRateHertz !== 16000)
      return googleError(
        400,
        'INVALID_ARGUMENT',
        `Invalid recognition 'config': sample_rate_hertz (${String(config.sampleRateHertz)}) must match WAV header (16000).`,
      );
    seen.audioSeconds = Math.abs(audio.seconds);
    const billed = { totalBilledTime: `${Math.ceil(seen.audioSeconds)}s`, requestId: '4242' };
    return audio.seconds > 0
      ? json(200, {
          results: [
            {
              alternatives: [{ transcript: o.transcript, confidence: 0.93 }],
              resultEndTime: `${seen.audioSeconds.toFixed(3)}s`,
              languageCode: config.languageCode.toLowerCase(),
            },
          ],
          ...billed,
        })
      : json(200, billed);
  }
  if (seen.path === '/v1/text:synthesize') {
    const text = (j.input as { text?: unknown } | undefined)?.text;
    const voice = j.voice as { languageCode?: unknown } | undefined;
    const enc = (j.audioConfig as { audioEncoding?: unknown } | undefined)?.audioEncoding;
    if (typeof text !== 'string' || !text)
      return googleError(400, 'INVALID_ARGUMENT', 'Either `input.text` or `input.ssml` is required.');
    if (typeof voice?.languageCode !== 'string')
      return googleError(400, 'INVALID_ARGUMENT', 'Missing voice.language_code.');
    if (enc === 'LINEAR16') return json(200, { audioContent: o.audio.wav16k.toString('base64') });
    if (enc === 'MP3') return json(200, { audioContent: o.audio.mp3.toString('base64') });
    return googleError(400, 'INVALID_ARGUMENT', 'AudioConfig.audio_encoding is required.');
  }
  return googleError(404, 'NOT_FOUND', `The requested URL ${seen.path} was not found on this server.`);
};

const HANDLERS: Record<Vendor, Handler> = { openai, elevenlabs, azure, google };

export async function startFake(vendor: Vendor, options: FakeOptions): Promise<FakeServer> {
  const seen: Seen[] = [];
  const faults: Array<Fault | 'hang'> = [];
  const hanging = new Set<ServerResponse>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const s: Seen = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    seen.push(s);
    const fault = faults.shift();
    if (fault === 'hang') return void hanging.add(res);
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      return void res.end(fault.body ?? '');
    }
    const reply: Reply =
      req.method === 'POST'
        ? await HANDLERS[vendor](s, options)
        : { status: 405, type: 'text/plain', body: 'POST only' };
    const body =
      Buffer.isBuffer(reply.body) || typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/octet-stream', ...reply.headers });
    res.end(body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    failNext: (...f) => void faults.push(...f),
    hangNext: () => void faults.push('hang'),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
