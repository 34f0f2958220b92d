import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, envSchema, loadConfig } from './config.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'medichat-config-'));

describe('config', () => {
  it('applies the documented defaults', () => {
    const dir = tmp();
    const c = loadConfig({ DATA_DIR: dir });
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, dir);
    assert.equal(c.storage.mongodbUri, undefined);
    assert.equal(c.redisUrl, undefined);
    assert.equal(c.modelsDir, join(dir, 'models'));
    assert.equal(c.modelStore.hfEndpoint, 'https://huggingface.co');
  });

  it('the model store: HF_ENDPOINT without its trailing slash, the hub token, and the environment pip runs in', () => {
    const source = {
      DATA_DIR: tmp(),
      HF_ENDPOINT: 'http://hub.internal:8080/',
      HF_TOKEN: 'hf_x',
      PIP_INDEX_URL: 'http://m/simple',
    };
    const c = loadConfig(source);
    assert.equal(c.modelStore.hfEndpoint, 'http://hub.internal:8080');
    assert.equal(c.modelStore.hfToken, 'hf_x');
    assert.equal(c.modelStore.pipEnv.PIP_INDEX_URL, 'http://m/simple', 'pip settings reach pip untouched');
    assert.equal(loadConfig({ DATA_DIR: tmp(), MEDICHAT_ADMIN_PASSWORD: 'pw' }).cli.adminPassword, 'pw');
  });

  it('stops on a bad value, naming the variable', () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['PORT', '70000'],
      ['MONGODB_URI', 'postgres://x'],
      ['REDIS_URL', 'http://x'],
      ['LOG_LEVEL', 'loud'],
      ['JWT_SECRET', 'short'],
      ['TRUST_PROXY', 'maybe'],
      ['HF_ENDPOINT', 'huggingface.co'],
    ] as const) {
      assert.throws(
        () => loadConfig({ DATA_DIR: tmp(), [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name),
        `${name}=${value}`,
      );
    }
    assert.throws(
      () => loadConfig({ DATA_DIR: tmp(), ENCRYPTION_KEYS: 'k1:dG9vc2hvcnQ=' }),
      (err: unknown) => err instanceof ConfigError && err.message.includes('ENCRYPTION_KEYS'),
    );
  });

  it('generates secrets once, keeps them private and stable across restarts', () => {
    const dir = tmp();
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    assert.ok(a.secrets.jwtSecret.length >= 32);
    assert.equal(a.secrets.jwtSecret, b.secrets.jwtSecret);
    assert.deepEqual(a.secrets.encryptionKeys[0]!.key, b.secrets.encryptionKeys[0]!.key);
    assert.equal(a.secrets.encryptionKeys[0]!.key.length, 32);
    assert.equal(statSync(join(dir, 'secrets.json')).mode & 0o777, 0o600);
    // Two data dirs never share a generated secret.
    assert.notEqual(loadConfig({ DATA_DIR: tmp() }).secrets.jwtSecret, a.secrets.jwtSecret);
  });

  it('prefers secrets from the environment and parses key rotation lists', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const c = loadConfig({ DATA_DIR: tmp(), JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEYS: `new:${k2},old:${k1}` });
    assert.equal(c.secrets.jwtSecret, 'x'.repeat(40));
    assert.deepEqual(
      c.secrets.encryptionKeys.map((k) => k.id),
      ['new', 'old'],
    );
  });

  it('.env.example lists every variable the schema knows', () => {
    const example = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');
    const listed = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    for (const key of Object.keys(envSchema.shape)) assert.ok(listed.has(key), `.env.example lacks ${key}`);
    for (const key of listed) assert.ok(key! in envSchema.shape, `.env.example lists unknown ${key}`);
  });

  it('reads the job queue settings, with defaults, and rejects bad ones naming the variable', () => {
    assert.deepEqual(loadConfig({ DATA_DIR: tmp() }).queue, {
      prefix: 'medichat',
      concurrency: 2,
      lockDurationMs: 30_000,
    });
    const c = loadConfig({
      DATA_DIR: tmp(),
      QUEUE_PREFIX: 'mc-2',
      WORKER_CONCURRENCY: '8',
      QUEUE_LOCK_DURATION_MS: '5000',
    });
    assert.deepEqual(c.queue, { prefix: 'mc-2', concurrency: 8, lockDurationMs: 5000 });
    for (const [name, value] of [
      ['QUEUE_PREFIX', 'a:b'],
      ['WORKER_CONCURRENCY', '0'],
      ['QUEUE_LOCK_DURATION_MS', '10'],
    ] as const) {
      assert.throws(
        () => loadConfig({ DATA_DIR: tmp(), [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name),
        `${name}=${value}`,
      );
    }
  });
  it('remote speech engines: defaults, keys, endpoints without trailing slashes, bad values named', () => {
    const d = loadConfig({ DATA_DIR: tmp() }).speechRemote;
    assert.equal(d.timeoutMs, 30_000);
    assert.equal(d.retries, 2);
    assert.equal(d.language, 'en-US');
    assert.deepEqual(d.openai, {
      baseUrl: 'https://api.openai.com',
      apiKey: undefined,
      sttModel: 'whisper-1',
      sttResponseFormat: 'verbose_json',
      ttsModel: 'tts-1',
      voice: 'alloy',
      ttsFormat: 'wav',
    });
    assert.equal(d.elevenlabs.baseUrl, 'https://api.elevenlabs.io');
    assert.equal(d.elevenlabs.outputFormat, 'mp3_44100_128');
    assert.deepEqual(d.azure, {
      region: undefined,
      apiKey: undefined,
      endpoint: undefined,
      voice: 'en-US-JennyNeural',
    });
    assert.equal(d.google.sttEndpoint, 'https://speech.googleapis.com');
    assert.equal(d.google.ttsEndpoint, 'https://texttospeech.googleapis.com');
    const c = loadConfig({
      DATA_DIR: tmp(),
      SPEECH_OPENAI_URL: 'http://whisper.lan:8000/',
      SPEECH_OPENAI_KEY: 'sk-1',
      ELEVENLABS_API_KEY: 'xi-1',
      ELEVENLABS_OUTPUT_FORMAT: 'pcm_16000',
      AZURE_SPEECH_REGION: 'westeurope',
      AZURE_SPEECH_KEY: 'az-1',
      GOOGLE_SPEECH_KEY: 'g-1',
      GOOGLE_TTS_VOICE: 'en-GB-Standard-A',
      SPEECH_REMOTE_LANGUAGE: 'de-DE',
    }).speechRemote;
    assert.equal(c.openai.baseUrl, 'http://whisper.lan:8000');
    assert.deepEqual(
      [c.openai.apiKey, c.elevenlabs.apiKey, c.azure.apiKey, c.google.apiKey],
      ['sk-1', 'xi-1', 'az-1', 'g-1'],
    );
    assert.equal(c.elevenlabs.outputFormat, 'pcm_16000');
    assert.equal(c.azure.region, 'westeurope');
    assert.equal(c.google.voice, 'en-GB-Standard-A');
    assert.equal(c.language, 'de-DE');
    for (const [name, value] of [
      ['SPEECH_OPENAI_URL', 'api.openai.com'],
      ['SPEECH_OPENAI_TTS_FORMAT', 'flac'],
      ['ELEVENLABS_OUTPUT_FORMAT', 'ulaw_8000'],
      ['AZURE_SPEECH_REGION', 'West Europe'],
      ['GOOGLE_SPEECH_ENDPOINT', 'ftp://x'],
      ['SPEECH_REMOTE_LANGUAGE', 'english'],
      ['SPEECH_REMOTE_RETRIES', '9'],
    ] as const) {
      assert.throws(
        () => loadConfig({ DATA_DIR: tmp(), [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name),
        `${name}=${value}`,
      );
    }
  });
});
