/** ElevenLabs engines against a local server speaking its text-to-speech and speech-to-text API. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pcmToWav } from './audio.js';
import {
  isSpeechError,
  KEY,
  liveRoundTrip,
  remoteEngineContract,
  remoteOptions,
} from './remote-contract.test-helpers.js';
import { createRemoteSpeechToText, createRemoteTextToSpeech } from './index.js';

describe('ElevenLabs speech engines (local server speaking the protocol)', () => {
  const s = remoteEngineContract('elevenlabs', {
    expectedAudio: (fx) => fx.mp3,
    mimeType: 'audio/mpeg',
    wrongKey: /HTTP 401 \(check the key\): Invalid API key/,
    badRequest: {
      body: JSON.stringify({ detail: [{ loc: ['body', 'file'], msg: 'File is empty', type: 'value_error' }] }),
      words: /HTTP 400: File is empty/,
    },
  });

  it('text-to-speech: xi-api-key, the voice in the path, output_format in the query, JSON {text, model_id}', async () => {
    await s.tts().synthesize('Rest now.');
    const f = s.fake.seen.at(-1)!;
    assert.equal(f.path, '/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM');
    assert.equal(f.query.get('output_format'), 'mp3_44100_128');
    assert.equal(f.headers['xi-api-key'], KEY);
    assert.equal(f.headers.accept, 'audio/mpeg');
    assert.deepEqual(f.fields, { text: 'Rest now.', model_id: 'eleven_multilingual_v2' });
  });

  it('pcm_16000 comes back as a 16 kHz WAV of the same samples', async () => {
    const base = remoteOptions(s.fake.url, KEY);
    const a = await s.tts({ elevenlabs: { ...base.elevenlabs, outputFormat: 'pcm_16000' } }).synthesize('Rest now.');
    assert.equal(a.mimeType, 'audio/wav');
    assert.ok(a.audio.equals(pcmToWav(s.fx.pcm16k, 16000)));
    assert.ok(Math.abs(a.durationSeconds - s.fx.seconds) < 0.02, `duration ${a.durationSeconds}`);
  });

  it("an unknown voice: the vendor's 404 words", async () => {
    await assert.rejects(
      s.tts().synthesize('Rest now.', { voice: 'pNInz6obpgDQGcFmaJgB' }),
      isSpeechError('SYNTHESIZE_FAILED', /HTTP 404: A voice with the voice_id pNInz6obpgDQGcFmaJgB was not found/),
    );
  });

  it('speech-to-text: multipart model_id + file + language_code; ISO 639-3 "eng" becomes "en"', async () => {
    const t = await s.stt().transcribe(s.question);
    assert.equal(t.language, 'en');
    const f = s.fake.seen.at(-1)!;
    assert.equal(f.path, '/v1/speech-to-text');
    assert.equal(f.fields?.model_id, 'scribe_v1');
    await s.stt().transcribe(s.question, { language: 'en' });
    assert.equal(s.fake.seen.at(-1)!.fields?.language_code, 'en');
  });

  it('without ELEVENLABS_API_KEY, or with an output format it cannot hand on, the engine is not built', () => {
    const none = remoteOptions(s.fake.url, undefined);
    for (const make of [createRemoteSpeechToText, createRemoteTextToSpeech])
      assert.throws(() => make('elevenlabs', none), /ELEVENLABS_API_KEY/);
    const base = remoteOptions(s.fake.url, KEY);
    assert.throws(
      () =>
        createRemoteTextToSpeech('elevenlabs', {
          ...base,
          elevenlabs: { ...base.elevenlabs, outputFormat: 'ulaw_8000' },
        }),
      /ulaw_8000/,
    );
  });
});

const liveKey = process.env.MEDICHAT_TEST_ELEVENLABS_KEY;
liveRoundTrip('elevenlabs', 'MEDICHAT_TEST_ELEVENLABS_KEY', liveKey, () =>
  remoteOptions('https://api.elevenlabs.io', liveKey, { timeoutMs: 60_000 }),
);
