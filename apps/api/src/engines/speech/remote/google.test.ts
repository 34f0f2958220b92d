/** Google Cloud Speech-to-Text and Text-to-Speech engines against a local server speaking their v1 REST APIs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KEY, liveRoundTrip, remoteEngineContract, remoteOptions } from './remote-contract.test-helpers.js';
import { createRemoteSpeechToText, createRemoteTextToSpeech } from './index.js';

describe('Google Cloud speech engines (local server speaking the protocol)', () => {
  const s = remoteEngineContract('google', {
    expectedAudio: (fx) => fx.wav16k,
    mimeType: 'audio/wav',
    // Google answers a wrong key with 400 INVALID_ARGUMENT.
    wrongKey: /HTTP 400: API key not valid\. Please pass a valid API key\./,
    wrongKeyIsBadRequest: true,
    badRequest: {
      body: JSON.stringify({ error: { code: 400, message: 'Sync input too long.', status: 'INVALID_ARGUMENT' } }),
      words: /HTTP 400: Sync input too long\./,
    },
  });

  it('recognize: x-goog-api-key (no ?key= in the URL), LINEAR16 at 16 kHz, the locale, base64 WAV', async () => {
    await s.stt().transcribe(s.question, { language: 'en-GB' });
    const f = s.fake.seen.at(-1)!;
    assert.equal(f.path, '/v1/speech:recognize');
    assert.equal([...f.query.keys()].length, 0);
    assert.equal(f.headers['x-goog-api-key'], KEY);
    assert.deepEqual((f.fields as { config: unknown }).config, {
      encoding: 'LINEAR16',
      sampleRateHertz: 16000,
      languageCode: 'en-GB',
    });
  });

  it('synthesize: {input: {text}, voice: {languageCode, name}, audioConfig: {audioEncoding: LINEAR16}}', async () => {
    const base = remoteOptions(s.fake.url, KEY);
    await s.tts({ google: { ...base.google, voice: 'en-GB-Standard-A' } }).synthesize('Rest now.');
    const f = s.fake.seen.at(-1)!;
    assert.equal(f.path, '/v1/text:synthesize');
    assert.deepEqual(f.fields, {
      input: { text: 'Rest now.' },
      voice: { languageCode: 'en-GB', name: 'en-GB-Standard-A' },
      audioConfig: { audioEncoding: 'LINEAR16' },
    });
  });

  it('without GOOGLE_SPEECH_KEY the engines are not built', () => {
    const none = remoteOptions(s.fake.url, undefined);
    assert.throws(() => createRemoteSpeechToText('google', none), /GOOGLE_SPEECH_KEY/);
    assert.throws(() => createRemoteTextToSpeech('google', none), /GOOGLE_SPEECH_KEY/);
  });
});

const liveKey = process.env.MEDICHAT_TEST_GOOGLE_SPEECH_KEY;
liveRoundTrip('google', 'MEDICHAT_TEST_GOOGLE_SPEECH_KEY', liveKey, () => {
  const o = remoteOptions('', liveKey, { timeoutMs: 60_000 });
  return {
    ...o,
    google: {
      apiKey: liveKey,
      sttEndpoint: 'https://speech.googleapis.com',
      ttsEndpoint: 'https://texttospeech.googleapis.com',
    },
  };
});
