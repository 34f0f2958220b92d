/**
 * Configuration: parsed and validated once at boot from the environment. Nothing else in the API
 * reads `process.env`. A bad value stops the boot with a message naming the variable.
 * Secrets that are not given are generated on first run and persisted under DATA_DIR (mode 0600),
 * so a restart keeps sessions and encrypted data readable; there is never a hard-coded default.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { iceServerSchema, type IceServer } from '@medichat/shared';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s):// URL')
  .transform((v) => v.replace(/\/+$/, ''));
/** A model, voice or voice id as the speech vendors name them. */
const speechName = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be a model or voice name');

/** The remote speech engines (engines/speech/remote) a SPEECH_STT_ENGINE / SPEECH_TTS_ENGINE may name. */
export const REMOTE_SPEECH_ENGINE_NAMES = ['openai', 'elevenlabs', 'azure', 'google'] as const;

/** Every variable, its default and its meaning; `.env.example` mirrors this list. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(8080),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a database name')
    .default('medichat'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Redis key prefix of the job queue (BullMQ); several deployments may share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -')
    .default('medichat'),
  /** Jobs of one name a consumer runs side by side, unless the job declares its own. */
  WORKER_CONCURRENCY: int(1, 256).default(2),
  /** A worker that does not renew a job's lock within this is presumed dead; the job is retried. */
  QUEUE_LOCK_DURATION_MS: int(1000, 600_000).default(30_000),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** `keyId:base64key[,keyId:base64key…]`; the first encrypts, all decrypt (rotation). */
  ENCRYPTION_KEYS: z.string().optional(),
  CORS_ORIGINS: csv.default([]),
  TRUST_PROXY: bool.default(false),
  BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  RATE_LIMIT_MAX: int(1, 1_000_000).default(300),
  RATE_LIMIT_WINDOW_MS: int(1000, 3_600_000).default(60_000),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  SWEEP_INTERVAL_MS: int(1000, 86_400_000).default(60_000),
  /** News feeds (RSS 2.0 / Atom): `[lang=]url[,…]`, e.g. `en=https://example.org/feed.xml`. Empty: the shipped offline feed only. */
  NEWS_FEEDS: csv.default([]),
  NEWS_INTERVAL_MS: int(60_000, 86_400_000).default(1_800_000),
  NEWS_FETCH_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** A feed body larger than this is refused (read stops there). */
  NEWS_MAX_BYTES: int(1024, 64 * 1024 * 1024).default(2 * 1024 * 1024),
  WEB_DIST_DIR: z.string().default(join(repoRoot, 'apps/web/dist')),
  MODELS_DIR: z.string().optional(),
  /** Public base URL the printed QR points at (`<PUBLIC_URL>/emergency/<token>`); unset = from the request. */
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s):// URL')
    .refine((v) => !v.endsWith('/'), 'must not end with a slash')
    .optional(),
  EMERGENCY_NUMBER: z
    .string()
    .regex(/^[0-9+ ]{2,20}$/, 'must be a phone number')
    .default('112'),
  ACCESS_TOKEN_TTL_SECONDS: int(30, 86_400).default(600),
  REFRESH_TOKEN_TTL_DAYS: int(1, 365).default(30),
  GUEST_SESSION_TTL_HOURS: int(1, 720).default(24),
  /** First admin, created once at boot when both are set; there is never a default password. */
  ADMIN_EMAIL: z.string().trim().toLowerCase().max(254).check(z.email('must be an email address')).optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(128).optional(),
  /** argon2id cost for passwords and PINs (OWASP minimum: 19 MiB, 2 passes, 1 lane). */
  PASSWORD_HASH_MEMORY_KIB: int(64, 4 * 1024 * 1024).default(19_456),
  PASSWORD_HASH_TIME_COST: int(1, 20).default(2),
  /** Requests per client per window on each sign-in route (login, register, PIN, QR, refresh). */
  AUTH_RATE_LIMIT_MAX: int(1, 1_000_000).default(20),
  AVATAR_MAX_BYTES: int(1024, 50 * 1024 * 1024).default(5 * 1024 * 1024),
  /** Name of the model that answers when a user has chosen none (overrides the registry's default). */
  DEFAULT_MODEL: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be a model name')
    .optional(),
  /** Soft limit on the memory of loaded models; the least recently used idle model is unloaded first. */
  MODEL_MEMORY_BUDGET_MB: int(64, 1_048_576).default(4096),
  /** CPU threads per llama.cpp evaluation; unset = all cores but one (docs/inference-engines.md). */
  LLAMA_THREADS: int(1, 1024).optional(),
  /** GPU backend for GGUF models: false (CPU), auto, cuda, vulkan. */
  LLAMA_GPU: z
    .enum(['false', 'auto', 'cuda', 'vulkan'])
    .transform((v) => (v === 'false' ? false : v))
    .default(false),
  /** Tokens a generation can see (prompt + reply), capped at the model's own. */
  LLAMA_CONTEXT_SIZE: int(256, 131_072).default(4096),
  /** Generations one loaded GGUF model runs side by side. */
  LLAMA_PARALLEL: int(1, 64).default(4),
  /** Tokens per llama.cpp decode (prompt chunks; concurrent generations share it); unset = 512. */
  LLAMA_BATCH_SIZE: int(16, 8192).optional(),
  /** Longest assistant reply, in tokens. */
  MAX_REPLY_TOKENS: int(16, 8192).default(512),
  /** Answers are short: past this many words a reply ends at its next full sentence (0 = no limit). */
  REPLY_SOFT_LIMIT_WORDS: int(0, 10_000).default(180),
  /** Repeated sentences dropped before a looping reply is stopped (0 = repeats are dropped, the reply never stopped). */
  REPLY_MAX_REPEATS: int(0, 100).default(2),
  /** Bearer key for registered `openai` models (OpenAI-compatible servers); never logged. */
  OPENAI_API_KEY: z.string().min(1).max(512).optional(),
  /** Hugging Face token for registered `hf-inference` models; never logged. */
  HF_TOKEN: z.string().min(1).max(512).optional(),
  /** Hugging Face hub base URL for `models pull hf:…` (a mirror or a self-hosted hub); default the public hub. */
  HF_ENDPOINT: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s):// URL')
    .transform((v) => v.replace(/\/+$/, ''))
    .default('https://huggingface.co'),
  /** Password for `medichat admin create` (else read from stdin); the CLI only, never the server. */
  MEDICHAT_ADMIN_PASSWORD: z.string().optional(),
  /** Crisis line named in self-harm answers, e.g. "988" or "Samaritans on 116 123"; unset = generic wording. */
  CRISIS_LINE: z
    .string()
    .regex(/^[A-Za-z0-9+ ()'.,-]{2,80}$/, 'must be a short phone number or name')
    .optional(),
  /** Where blobs live: file://<dir> (default DATA_DIR/blobs) or s3://bucket/prefix (docs/blobs.md). */
  BLOB_URL: z
    .string()
    .regex(
      /^(file:\/\/\/?[^\s]+|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?)$/,
      'must be file:///dir or s3://bucket/prefix',
    )
    .optional(),
  /** S3 endpoint for non-AWS servers (MinIO, R2, B2, moto); unset = AWS for S3_REGION. */
  S3_ENDPOINT: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s):// URL')
    .optional(),
  S3_REGION: z.string().min(1).max(64).default('us-east-1'),
  /** S3 credentials; unset = the SDK's default chain (env, profile, instance role). Never logged. */
  S3_ACCESS_KEY_ID: z.string().min(1).max(256).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).max(512).optional(),
  /** Path-style bucket URLs; unset = on when S3_ENDPOINT is set. */
  S3_FORCE_PATH_STYLE: bool.optional(),
  /** Server-side encryption asked of S3: none, AES256 or aws:kms (with S3_SSE_KMS_KEY_ID). */
  S3_SSE: z.enum(['none', 'AES256', 'aws:kms']).default('none'),
  S3_SSE_KMS_KEY_ID: z.string().min(1).max(2048).optional(),
  /** Lifetime of the presigned URLs public images redirect to on S3. */
  BLOB_PRESIGN_TTL_SECONDS: int(60, 7 * 24 * 3600).default(3600),
  /** STUN/TURN servers for patient ↔ clinician calls, as a JSON array of RTCIceServer; [] = host candidates only (LAN, loopback). */
  ICE_SERVERS: z.string().default('[]'),
  /** A call no clinician answers within this ends (the patient is told). */
  CALL_RING_TIMEOUT_MS: int(5_000, 3_600_000).default(120_000),
  // ── Remote speech engines (engines/speech/remote; docs/speech.md "Remote engines"). Keys: never logged. ──
  /** Time allowed for one request to a cloud speech API, response included. */
  SPEECH_REMOTE_TIMEOUT_MS: int(500, 600_000).default(30_000),
  /** Further attempts after a 408/429/5xx or a dropped connection (short backoff, Retry-After honoured). */
  SPEECH_REMOTE_RETRIES: int(0, 5).default(2),
  /** BCP-47 locale asked of Azure and Google when the caller names no language. */
  SPEECH_REMOTE_LANGUAGE: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a locale such as en-US')
    .default('en-US'),
  /** Any OpenAI-compatible server (/v1/audio/transcriptions, /v1/audio/speech). */
  SPEECH_OPENAI_URL: httpUrl.default('https://api.openai.com'),
  SPEECH_OPENAI_KEY: z.string().min(1).max(512).optional(),
  SPEECH_OPENAI_STT_MODEL: speechName.default('whisper-1'),
  /** verbose_json (Whisper: language and duration too) or json (gpt-4o-transcribe takes only json). */
  SPEECH_OPENAI_STT_FORMAT: z.enum(['json', 'verbose_json']).default('verbose_json'),
  SPEECH_OPENAI_TTS_MODEL: speechName.default('tts-1'),
  SPEECH_OPENAI_VOICE: speechName.default('alloy'),
  SPEECH_OPENAI_TTS_FORMAT: z.enum(['wav', 'mp3']).default('wav'),
  ELEVENLABS_URL: httpUrl.default('https://api.elevenlabs.io'),
  ELEVENLABS_API_KEY: z.string().min(1).max(512).optional(),
  /** Default: "Rachel", one of ElevenLabs' premade voices. */
  ELEVENLABS_VOICE_ID: speechName.default('21m00Tcm4TlvDq8ikWAM'),
  ELEVENLABS_TTS_MODEL: speechName.default('eleven_multilingual_v2'),
  ELEVENLABS_STT_MODEL: speechName.default('scribe_v1'),
  /** mp3_<rate>_<kbps> (audio/mpeg) or pcm_<rate> (handed on as audio/wav). */
  ELEVENLABS_OUTPUT_FORMAT: z
    .string()
    .regex(/^(mp3_\d{4,5}_\d{2,3}|pcm_\d{4,5})$/, 'must be mp3_<rate>_<kbps> or pcm_<rate>')
    .default('mp3_44100_128'),
  AZURE_SPEECH_REGION: z
    .string()
    .regex(/^[a-z0-9]{2,40}$/, 'must be an Azure region such as westeurope')
    .optional(),
  AZURE_SPEECH_KEY: z.string().min(1).max(512).optional(),
  /** Replaces https://<region>.stt|tts.speech.microsoft.com (sovereign clouds, a proxy). */
  AZURE_SPEECH_ENDPOINT: httpUrl.optional(),
  AZURE_SPEECH_VOICE: speechName.default('en-US-JennyNeural'),
  GOOGLE_SPEECH_KEY: z.string().min(1).max(512).optional(),
  GOOGLE_SPEECH_ENDPOINT: httpUrl.default('https://speech.googleapis.com'),
  GOOGLE_TTS_ENDPOINT: httpUrl.default('https://texttospeech.googleapis.com'),
  /** e.g. en-US-Standard-C; unset = Google's choice for the language. */
  GOOGLE_TTS_VOICE: speechName.optional(),
  /** Speech (docs/speech.md): which engine transcribes and which speaks; `none` turns one off. */
  SPEECH_STT_ENGINE: z.enum(['faster-whisper', ...REMOTE_SPEECH_ENGINE_NAMES, 'none']).default('faster-whisper'),
  SPEECH_TTS_ENGINE: z.enum(['piper', ...REMOTE_SPEECH_ENGINE_NAMES, 'none']).default('piper'),
  /** Where scripts/ensure-speech.sh caches (venv, weights); default ~/.cache/medichat. */
  MEDICHAT_CACHE: z.string().optional(),
  /** The Piper voice (`.onnx`, its `.onnx.json` beside it); default the cached en_US-joe-medium. */
  PIPER_VOICE: z.string().optional(),
  SPEECH_THREADS: int(1, 64).default(2),
  /** Voice messages: largest upload and longest audio accepted. */
  VOICE_MAX_BYTES: int(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  VOICE_MAX_SECONDS: int(1, 600).default(60),
  /** Python of the trainer's venv (scripts/trainer-ci.sh builds it); fine-tune jobs run `-m medichat_trainer` with it. */
  TRAINER_PYTHON: z.string().min(1).optional(),
  /** Directory holding the `medichat_trainer` package (default: the repository's trainer/). */
  TRAINER_DIR: z.string().min(1).optional(),
  /** llama.cpp's convert_hf_to_gguf.py (scripts/ensure-gguf-convert.sh caches it); a fine-tune exports its GGUF with it. */
  GGUF_CONVERT: z.string().min(1).optional(),
  /** Where the trainer runs: auto (CUDA when present), cpu or cuda. */
  FINE_TUNE_DEVICE: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
  /** Eval cases per suite the activation gate runs on base and candidate (eval is slow on small machines). */
  FINE_TUNE_GATE_CASES: int(1, 1000).default(4),
  /** Longest answer of a gate eval case, in tokens. */
  FINE_TUNE_GATE_MAX_TOKENS: int(16, 4096).default(160),
});

export type Env = z.infer<typeof envSchema>;

export interface Secrets {
  jwtSecret: string;
  encryptionKeys: Array<{ id: string; key: Buffer }>;
}

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  dataDir: string;
  modelsDir: string;
  logLevel: Env['LOG_LEVEL'];
  storage: { mongodbUri?: string; mongodbDb: string };
  redisUrl?: string;
  queue: { prefix: string; concurrency: number; lockDurationMs: number };
  corsOrigins: string[];
  trustProxy: boolean;
  bodyLimitBytes: number;
  rateLimit: { max: number; windowMs: number };
  shutdownTimeoutMs: number;
  sweepIntervalMs: number;
  news: { feeds: Array<{ url: string; lang?: string }>; intervalMs: number; timeoutMs: number; maxBytes: number };
  webDistDir: string;
  emergencyNumber: string;
  /** Base of the URLs the QR encodes (no trailing slash); unset = derived from each request. */
  publicUrl?: string;
  auth: {
    accessTokenTtlSeconds: number;
    refreshTokenTtlDays: number;
    guestSessionTtlHours: number;
    argon2: { memoryKib: number; timeCost: number };
    rateLimitMax: number;
    /** Bootstrap admin (both or neither). */
    admin?: { email: string; password: string };
  };
  avatarMaxBytes: number;
  inference: {
    defaultModel?: string;
    memoryBudgetBytes: number;
    /** Keys for remote engines (never logged). */
    openaiApiKey?: string;
    hfToken?: string;
    llama: {
      threads?: number;
      gpu: false | 'auto' | 'cuda' | 'vulkan';
      contextSize: number;
      parallel: number;
      batchSize?: number;
    };
  };
  chat: { maxReplyTokens: number; softLimitWords: number; maxRepeats: number; crisisLine?: string };
  /** The model store (engines/model-store): hub endpoint and token, and the environment pip runs in. */
  modelStore: {
    hfEndpoint: string;
    hfToken?: string;
    /**
     * The whole environment `loadConfig` was given, handed to the pip subprocess so the site's
     * PIP_* settings, proxies and certificates apply (pip reads them; we do not interpret them).
     */
    pipEnv: Readonly<Record<string, string | undefined>>;
  };
  /** `medichat admin create`: the password when given in MEDICHAT_ADMIN_PASSWORD. */
  cli: { adminPassword?: string };
  secrets: Secrets;
  version: string;
  blob: BlobConfig;
  /** Patient ↔ clinician calls (docs/calls.md). */
  calls: { iceServers: IceServer[]; ringTimeoutMs: number };
  /** Remote speech engines (engines/speech/remote); the `apiKey`s are never logged. */
  speechRemote: SpeechRemoteConfig;
  speech: SpeechConfig;
  /** Fine-tune jobs (issue 9, docs/fine-tune.md). */
  fineTune: {
    python: string;
    trainerDir: string;
    ggufConvert: string;
    device: 'auto' | 'cpu' | 'cuda';
    gateCases: number;
    gateMaxTokens: number;
  };
}

export interface SpeechRemoteConfig {
  timeoutMs: number;
  retries: number;
  language: string;
  openai: {
    baseUrl: string;
    apiKey?: string;
    sttModel: string;
    sttResponseFormat: 'json' | 'verbose_json';
    ttsModel: string;
    voice: string;
    ttsFormat: 'wav' | 'mp3';
  };
  elevenlabs: {
    baseUrl: string;
    apiKey?: string;
    voiceId: string;
    ttsModel: string;
    sttModel: string;
    outputFormat: string;
  };
  azure: { region?: string; apiKey?: string; endpoint?: string; voice: string };
  google: { apiKey?: string; sttEndpoint: string; ttsEndpoint: string; voice?: string };
}

function speechRemoteOf(env: Env): SpeechRemoteConfig {
  return {
    timeoutMs: env.SPEECH_REMOTE_TIMEOUT_MS,
    retries: env.SPEECH_REMOTE_RETRIES,
    language: env.SPEECH_REMOTE_LANGUAGE,
    openai: {
      baseUrl: env.SPEECH_OPENAI_URL,
      apiKey: env.SPEECH_OPENAI_KEY,
      sttModel: env.SPEECH_OPENAI_STT_MODEL,
      sttResponseFormat: env.SPEECH_OPENAI_STT_FORMAT,
      ttsModel: env.SPEECH_OPENAI_TTS_MODEL,
      voice: env.SPEECH_OPENAI_VOICE,
      ttsFormat: env.SPEECH_OPENAI_TTS_FORMAT,
    },
    elevenlabs: {
      baseUrl: env.ELEVENLABS_URL,
      apiKey: env.ELEVENLABS_API_KEY,
      voiceId: env.ELEVENLABS_VOICE_ID,
      ttsModel: env.ELEVENLABS_TTS_MODEL,
      sttModel: env.ELEVENLABS_STT_MODEL,
      outputFormat: env.ELEVENLABS_OUTPUT_FORMAT,
    },
    azure: {
      region: env.AZURE_SPEECH_REGION,
      apiKey: env.AZURE_SPEECH_KEY,
      endpoint: env.AZURE_SPEECH_ENDPOINT,
      voice: env.AZURE_SPEECH_VOICE,
    },
    google: {
      apiKey: env.GOOGLE_SPEECH_KEY,
      sttEndpoint: env.GOOGLE_SPEECH_ENDPOINT,
      ttsEndpoint: env.GOOGLE_TTS_ENDPOINT,
      voice: env.GOOGLE_TTS_VOICE,
    },
  };
}

/** Speech engines; `engine` values are a switch (container.ts) a remote engine extends. */
export interface SpeechConfig {
  stt: { engine: Env['SPEECH_STT_ENGINE']; python: string; modelDir: string; threads: number };
  tts: { engine: Env['SPEECH_TTS_ENGINE']; voice: string; threads: number };
  maxUploadBytes: number;
  maxSeconds: number;
}

export type BlobConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      url: string;
      endpoint?: string;
      region: string;
      credentials?: { accessKeyId: string; secretAccessKey: string };
      forcePathStyle: boolean;
      sse?: { mode: 'AES256' | 'aws:kms'; kmsKeyId?: string };
      presignTtlSeconds: number;
      /** Origin presigned URLs point at (added to the CSP's img-src so <img> may follow the redirect). */
      publicOrigin: string;
    };

/** The blob store config names (exported for `medichat blobs migrate --to`). */
export function blobConfigOf(url: string | undefined, env: Env, dataDir: string): BlobConfig {
  if (!url) return { kind: 'local', dir: join(dataDir, 'blobs') };
  if (url.startsWith('file://')) return { kind: 'local', dir: resolve(url.slice('file://'.length)) };
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError('Invalid configuration:\n  S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both or neither');
  }
  return {
    kind: 's3',
    url,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    region: env.S3_REGION,
    ...(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } }
      : {}),
    forcePathStyle: env.S3_FORCE_PATH_STYLE ?? Boolean(env.S3_ENDPOINT),
    ...(env.S3_SSE !== 'none'
      ? { sse: { mode: env.S3_SSE, ...(env.S3_SSE_KMS_KEY_ID ? { kmsKeyId: env.S3_SSE_KMS_KEY_ID } : {}) } }
      : {}),
    presignTtlSeconds: env.BLOB_PRESIGN_TTL_SECONDS,
    publicOrigin: env.S3_ENDPOINT
      ? new URL(env.S3_ENDPOINT).origin
      : (env.S3_FORCE_PATH_STYLE ?? false)
        ? `https://s3.${env.S3_REGION}.amazonaws.com`
        : `https://${/^s3:\/\/([^/]+)/.exec(url)![1]}.s3.${env.S3_REGION}.amazonaws.com`,
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function parseKeys(value: string, variable: string): Secrets['encryptionKeys'] {
  const keys = value.split(',').map((entry) => {
    const [id, b64] = entry.trim().split(':');
    const key = b64 ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      throw new ConfigError(`${variable}: each entry must be keyId:<32 bytes in base64>`);
    }
    return { id, key };
  });
  if (keys.length === 0) throw new ConfigError(`${variable}: at least one key is required`);
  return keys;
}

/** Load secrets from env, else from DATA_DIR/secrets.json, else generate and persist them. */
function loadSecrets(env: Env, dataDir: string): Secrets {
  const file = join(dataDir, 'secrets.json');
  let stored: { jwtSecret?: string; encryptionKeys?: string } = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
    } catch {
      throw new ConfigError(`DATA_DIR: ${file} is not valid JSON; restore it or remove it to start over`);
    }
  }
  let changed = false;
  if (!env.JWT_SECRET && !stored.jwtSecret) {
    stored.jwtSecret = randomBytes(48).toString('base64url');
    changed = true;
  }
  if (!env.ENCRYPTION_KEYS && !stored.encryptionKeys) {
    stored.encryptionKeys = `k1:${randomBytes(32).toString('base64')}`;
    changed = true;
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    jwtSecret: env.JWT_SECRET ?? stored.jwtSecret!,
    encryptionKeys: parseKeys(
      env.ENCRYPTION_KEYS ?? stored.encryptionKeys!,
      env.ENCRYPTION_KEYS ? 'ENCRYPTION_KEYS' : `${file} encryptionKeys`,
    ),
  };
}

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as in most .env tooling.
  const raw = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration:\n  ADMIN_EMAIL, ADMIN_PASSWORD: set both or neither');
  }
  const dataDir = resolve(env.DATA_DIR);
  try {
    // Owner-only when we create it (health data, secrets); an existing directory keeps its mode.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new ConfigError(`DATA_DIR: cannot create ${dataDir}: ${(err as Error).message}`);
  }
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    dataDir,
    modelsDir: resolve(env.MODELS_DIR ?? join(dataDir, 'models')),
    logLevel: env.LOG_LEVEL,
    storage: { mongodbUri: env.MONGODB_URI, mongodbDb: env.MONGODB_DB },
    redisUrl: env.REDIS_URL,
    queue: {
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      lockDurationMs: env.QUEUE_LOCK_DURATION_MS,
    },
    corsOrigins: env.CORS_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimit: { max: env.RATE_LIMIT_MAX, windowMs: env.RATE_LIMIT_WINDOW_MS },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    sweepIntervalMs: env.SWEEP_INTERVAL_MS,
    news: {
      feeds: env.NEWS_FEEDS.map((entry) => {
        const m = /^([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)=(https?:\/\/.+)$/.exec(entry);
        const url = m ? m[2]! : entry;
        if (!/^https?:\/\/[^\s]+$/.test(url)) throw new ConfigError(`NEWS_FEEDS: ${entry} is not an http(s) URL`);
        return m ? { url, lang: m[1]! } : { url };
      }),
      intervalMs: env.NEWS_INTERVAL_MS,
      timeoutMs: env.NEWS_FETCH_TIMEOUT_MS,
      maxBytes: env.NEWS_MAX_BYTES,
    },
    webDistDir: resolve(env.WEB_DIST_DIR),
    emergencyNumber: env.EMERGENCY_NUMBER,
    publicUrl: env.PUBLIC_URL,
    auth: {
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      guestSessionTtlHours: env.GUEST_SESSION_TTL_HOURS,
      argon2: { memoryKib: env.PASSWORD_HASH_MEMORY_KIB, timeCost: env.PASSWORD_HASH_TIME_COST },
      rateLimitMax: env.AUTH_RATE_LIMIT_MAX,
      ...(env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { admin: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } }
        : {}),
    },
    avatarMaxBytes: env.AVATAR_MAX_BYTES,
    inference: {
      defaultModel: env.DEFAULT_MODEL,
      memoryBudgetBytes: env.MODEL_MEMORY_BUDGET_MB * 1024 * 1024,
      openaiApiKey: env.OPENAI_API_KEY,
      hfToken: env.HF_TOKEN,
      llama: {
        threads: env.LLAMA_THREADS,
        gpu: env.LLAMA_GPU,
        contextSize: env.LLAMA_CONTEXT_SIZE,
        parallel: env.LLAMA_PARALLEL,
        batchSize: env.LLAMA_BATCH_SIZE,
      },
    },
    chat: {
      maxReplyTokens: env.MAX_REPLY_TOKENS,
      softLimitWords: env.REPLY_SOFT_LIMIT_WORDS,
      maxRepeats: env.REPLY_MAX_REPEATS,
      crisisLine: env.CRISIS_LINE,
    },
    modelStore: { hfEndpoint: env.HF_ENDPOINT, hfToken: env.HF_TOKEN, pipEnv: { ...source } },
    cli: { adminPassword: env.MEDICHAT_ADMIN_PASSWORD },
    secrets: loadSecrets(env, dataDir),
    version: readVersion(),
    blob: blobConfigOf(env.BLOB_URL, env, dataDir),
    calls: { iceServers: parseIceServers(env.ICE_SERVERS), ringTimeoutMs: env.CALL_RING_TIMEOUT_MS },
    speechRemote: speechRemoteOf(env),
    speech: speechConfigOf(env),
    fineTune: fineTuneConfigOf(env),
  };
}

/** Where the trainer venv and the GGUF converter are cached by the scripts (~/.cache/medichat). */
function fineTuneConfigOf(env: Env): Config['fineTune'] {
  const cache = resolve(env.MEDICHAT_CACHE ?? join(homedir(), '.cache', 'medichat'));
  return {
    python: resolve(env.TRAINER_PYTHON ?? join(cache, 'venvs/trainer/bin/python')),
    trainerDir: resolve(env.TRAINER_DIR ?? join(repoRoot, 'trainer')),
    ggufConvert: resolve(
      env.GGUF_CONVERT ??
        join(cache, 'llama-cpp-python/llama_cpp_python-0.3.36/vendor/llama.cpp/convert_hf_to_gguf.py'),
    ),
    device: env.FINE_TUNE_DEVICE,
    gateCases: env.FINE_TUNE_GATE_CASES,
    gateMaxTokens: env.FINE_TUNE_GATE_MAX_TOKENS,
  };
}

function speechConfigOf(env: Env): SpeechConfig {
  const cache = resolve(env.MEDICHAT_CACHE ?? join(homedir(), '.cache', 'medichat'));
  return {
    stt: {
      engine: env.SPEECH_STT_ENGINE,
      python: join(cache, 'venvs', 'speech-1', 'bin', 'python'),
      modelDir: join(cache, 'models', '.speech', 'whisper-tiny-en-ct2'),
      threads: env.SPEECH_THREADS,
    },
    tts: {
      engine: env.SPEECH_TTS_ENGINE,
      voice: resolve(
        env.PIPER_VOICE ?? join(cache, 'models', '.speech', 'piper-en_US-joe-medium', 'en_US-joe-medium.onnx'),
      ),
      threads: env.SPEECH_THREADS,
    },
    maxUploadBytes: env.VOICE_MAX_BYTES,
    maxSeconds: env.VOICE_MAX_SECONDS,
  };
}

function parseIceServers(value: string): IceServer[] {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new ConfigError(
      'Invalid configuration:\n  ICE_SERVERS: must be a JSON array of { urls, username?, credential? }',
    );
  }
  const parsed = z.array(iceServerSchema).max(16).safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ICE_SERVERS.${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  for (const server of parsed.data) {
    for (const url of Array.isArray(server.urls) ? server.urls : [server.urls]) {
      if (!/^(stuns?|turns?):[^\s]+$/.test(url)) {
        throw new ConfigError(
          `Invalid configuration:\n  ICE_SERVERS: ${url} is not a stun:, stuns:, turn: or turns: URL`,
        );
      }
    }
  }
  return parsed.data;
}

/** The blob store a URL names with the rest of the environment's S3 settings (`medichat blobs migrate --to`). */
export function loadBlobTarget(url: string, source: Record<string, string | undefined> = process.env): BlobConfig {
  return loadConfig({ ...source, BLOB_URL: url }).blob;
}
