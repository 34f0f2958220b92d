/** OpenAI-compatible speech engines against a local server speaking /v1/audio/* (fakes.test-helpers). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KEY, TRANSCRIPT, liveRoundTrip, remoteEngineContract, remoteOptions } from './remote-contract.test-helpers.js';
import { ffmpeg } from './fakes.test-helpers.js';

describe('OpenAI-compatible speech engines (local server speaking the protocol)', () => {
  const s = remoteEngineContract('openai', {
    expectedAudio: (fx) => fx.wav,
    mimeType: 'audio/wav',
    wrongKey: /HTTP 401 \(check the key\): Incorrect API key provided: \[redacted\]\. You can find/,
    badRequest: {
      body: JSON.stringify({
        error: { message: 'Audio file is too short.', type: 'invalid_request_error', param: 'file', code: null },
      }),
      words: /HTTP 400: Audio file is too short\./,
    },
  });

  it('sends the multipart form OpenAI documents: file, model, response_format, language', async () => {
    await s.stt().transcribe(s.question, { language: 'en' });
    const f = s.fake.seen.at(-1)!;
    assert.equal(f.path, '/v1/audio/transcriptions');
    assert.equal(f.headers.authorization, `Bearer ${KEY}`);
    assert.equal(f.fields?.model, 'whisper-1');
    assert.equal(f.fields?.response_format, 'verbose_json');
    assert.equal(f.fields?.language, 'en');
    assert.equal((f.fields?.file as File).type, 'audio/wav');
  });

  it('json (gpt-4o-transcribe) answers carry only the text', async () => {
    const base = remoteOptions(s.fake.url, KEY);
    const t = await s
      .stt({ openai: { ...base.openai, sttModel: 'gpt-4o-transcribe', sttResponseFormat: 'json' } })
      .transcribe(s.question);
    assert.equal(t.text, TRANSCRIPT);
    assert.equal(s.fake.seen.at(-1)!.fields?.response_format, 'json');
  });

  it('speech: JSON {model, input, voice, response_format}; MP3 comes back as audio/mpeg', async () => {
    const base = remoteOptions(s.fake.url, KEY);
    const a = await s
      .tts({ openai: { ...base.openai, ttsFormat: 'mp3' } })
      .synthesize('Drink water.', { voice: 'nova' });
    assert.equal(a.mimeType, 'audio/mpeg');
    assert.ok(a.audio.equals(s.fx.mp3));
    assert.ok(Math.abs(a.durationSeconds - s.fx.seconds) < 0.15, `mp3 duration ${a.durationSeconds}`);
    assert.deepEqual(s.fake.seen.at(-1)!.fields, {
      model: 'tts-1',
      input: 'Drink water.',
      voice: 'nova',
      response_format: 'mp3',
    });
  });

  it('a server without a key (a local Whisper server) gets no Authorization header', async () => {
    // The fake demands the key, so this must fail with its 401 — and the request carried none.
    await assert.rejects(s.stt({}, '').transcribe(s.question));
    assert.equal(s.fake.seen.at(-1)!.headers.authorization, undefined);
  });

  it('a file that already is 16 kHz mono 16-bit WAV goes as it is; others are converted', async () => {
    const ready = join(s.dir, 'ready.wav');
    ffmpeg('-i', s.question, '-ac', '1', '-ar', '16000', ready);
    await s.stt().transcribe(ready);
    const sent = Buffer.from(await (s.fake.seen.at(-1)!.fields?.file as File).arrayBuffer());
    assert.ok(sent.equals(readFileSync(ready)), 'the bytes of the file');
    await s.stt().transcribe(s.question);
    const converted = Buffer.from(await (s.fake.seen.at(-1)!.fields?.file as File).arrayBuffer());
    assert.ok(!converted.equals(readFileSync(s.question)));
    assert.equal(converted.readUInt32LE(24), 16000);
  });

  it('the base URL may end in /v1 or a slash', async () => {
    const base = remoteOptions(s.fake.url, KEY);
    const t = await s.stt({ openai: { ...base.openai, baseUrl: `${s.fake.url}/v1/` } }).transcribe(s.question);
    assert.equal(t.text, TRANSCRIPT);
  });
});

const liveKey = process.env.MEDICHAT_TEST_OPENAI_SPEECH_KEY;
liveRoundTrip('openai', 'MEDICHAT_TEST_OPENAI_SPEECH_KEY', liveKey, () => {
  const o = remoteOptions(process.env.MEDICHAT_TEST_OPENAI_SPEECH_URL ?? 'https://api.openai.com', liveKey, {
    timeoutMs: 60_000,
  });
  return o;
});
