/** Azure Speech engines against a local server speaking the short-audio STT and the TTS REST APIs. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  isSpeechError,
  KEY,
  liveRoundTrip,
  remoteEngineContract,
  remoteOptions,
} from './remote-contract.test-helpers.js';
import { ffmpeg } from './fakes.test-helpers.js';
import { createRemoteSpeechToText, createRemoteTextToSpeech } from './index.js';

describe('Azure Speech engines (local server speaking the protocol)', () => {
  const s = remoteEngineContract('azure', {
    expectedAudio: (fx) => fx.wav16k,
    mimeType: 'audio/wav',
    wrongKey: /HTTP 401 \(check the key\): Access denied due to invalid subscription key/,
    badRequest: { body: 'Invalid audio: unsupported', words: /HTTP 400: Invalid audio: unsupported/ },
  });

  it('recognition: the key header, the exact content type, language and format in the query', async () => {
    await s.stt().transcribe(s.question, { language: 'de' });
    const f = s.fake.seen.at(-1)!;
    assert.equal(f.path, '/speech/recognition/conversation/cognitiveservices/v1');
    assert.equal(f.query.get('language'), 'de-DE', 'a bare language gets its likely region');
    assert.equal(f.query.get('format'), 'simple');
    assert.equal(f.headers['ocp-apim-subscription-key'], KEY);
    assert.equal(f.headers['content-type'], 'audio/wav; codecs=audio/pcm; samplerate=16000');
  });

  it('synthesis: SSML with the voice and its locale, the text escaped, riff-16khz-16bit-mono-pcm, a User-Agent', async () => {
    const text = 'Take 2 < 3 tablets & "rest"';
    await s.tts().synthesize(text);
    const f = s.fake.seen.at(-1)!;
    assert.equal(f.path, '/cognitiveservices/v1');
    assert.equal(f.headers['x-microsoft-outputformat'], 'riff-16khz-16bit-mono-pcm');
    assert.deepEqual(f.fields, {
      lang: 'en-US',
      voice: 'en-US-JennyNeural',
      text: 'Take 2 &#60; 3 tablets &#38; &#34;rest&#34;',
    });
  });

  it('more than the 60 s the short-audio API takes is refused before upload', async () => {
    const long = join(s.dir, 'long.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=16000', '-t', '61', long);
    const from = s.fake.seen.length;
    await assert.rejects(s.stt().transcribe(long), isSpeechError('TRANSCRIBE_FAILED', /longer than the 60 s/));
    assert.equal(s.fake.seen.length, from);
  });

  it('needs AZURE_SPEECH_KEY, and AZURE_SPEECH_REGION unless an endpoint is given; the region names the hosts', async () => {
    const base = remoteOptions(s.fake.url, KEY);
    assert.throws(
      () => createRemoteSpeechToText('azure', { ...base, azure: { ...base.azure, apiKey: undefined } }),
      /AZURE_SPEECH_KEY/,
    );
    assert.throws(
      () => createRemoteTextToSpeech('azure', { ...base, azure: { ...base.azure, endpoint: undefined } }),
      /AZURE_SPEECH_REGION/,
    );
    // The region's real host, reached through a fetch that records the URL instead of leaving the machine.
    const urls: string[] = [];
    const recording: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response('{"RecognitionStatus":"Success","DisplayText":"ok"}', { status: 200 });
    };
    const regional = { ...base, fetch: recording, azure: { ...base.azure, endpoint: undefined, region: 'westeurope' } };
    await createRemoteSpeechToText('azure', regional).transcribe(s.question);
    assert.equal(
      urls[0],
      'https://westeurope.stt.speech.microsoft.com/speech/recognition/conversation/cognitiveservices/v1?language=en-US&format=simple',
    );
  });
});

const liveKey = process.env.MEDICHAT_TEST_AZURE_SPEECH_KEY;
const liveRegion = process.env.MEDICHAT_TEST_AZURE_SPEECH_REGION ?? 'westeurope';
liveRoundTrip('azure', 'MEDICHAT_TEST_AZURE_SPEECH_KEY (and MEDICHAT_TEST_AZURE_SPEECH_REGION)', liveKey, () => {
  const o = remoteOptions('', liveKey, { timeoutMs: 60_000 });
  return { ...o, azure: { apiKey: liveKey, region: liveRegion, voice: 'en-US-JennyNeural' } };
});
