/**
 * Remote speech engines: what the engine adds on top of the HTTP call it makes. Against a local
 * server speaking OpenAI's /v1/audio/* (the protocol fake of the engines' tests, answering at once,
 * so this is the worst case: a real vendor takes hundreds of milliseconds more on each side),
 * measured side by side:
 *   - transcribe(path): reading the file's format, converting it with ffmpeg when it is not 16 kHz
 *     mono WAV already, the multipart POST — vs the bare `fetch` of the converted WAV;
 *   - synthesize(text): the POST + measuring the returned audio (music-metadata), vs the bare `fetch`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toWav16k } from '../apps/api/src/engines/speech/remote/audio.js';
import { KEY, TRANSCRIPT, remoteOptions } from '../apps/api/src/engines/speech/remote/remote-contract.test-helpers.js';
import { makeTtsFixtures, speak, startFake } from '../apps/api/src/engines/speech/remote/fakes.test-helpers.js';
import { createRemoteSpeechToText, createRemoteTextToSpeech } from '../apps/api/src/engines/speech/remote/index.js';
import { compare } from './lib.js';

const dir = mkdtempSync(join(tmpdir(), 'medichat-bench-speech-'));
const fx = makeTtsFixtures(dir);
const fake = await startFake('openai', { key: KEY, transcript: TRANSCRIPT, audio: fx });
const question = speak(dir, 'q.wav', TRANSCRIPT);
const { wav } = await toWav16k(question);
// What the voice route hands over: a file that already is 16 kHz mono WAV.
const ready = join(dir, 'ready.wav');
writeFileSync(ready, wav);
const options = remoteOptions(fake.url, KEY, { retries: 0 });
const stt = createRemoteSpeechToText('openai', options);
const tts = createRemoteTextToSpeech('openai', options);

const bareTranscribe = async () => {
  const form = new FormData();
  form.append('file', new Blob([wav], { type: 'audio/wav' }), 'audio.wav');
  form.append('model', 'whisper-1');
  form.append('response_format', 'verbose_json');
  const res = await fetch(`${fake.url}/v1/audio/transcriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}` },
    body: form,
  });
  if (!res.ok) throw new Error(`status ${res.status}`);
  await res.json();
};
const bareSpeech = async () => {
  const res = await fetch(`${fake.url}/v1/audio/speech`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tts-1', input: 'Please rest.', voice: 'alloy', response_format: 'wav' }),
  });
  if (!res.ok) throw new Error(`status ${res.status}`);
  await res.arrayBuffer();
};

await compare(
  'speech-to-text: OpenAI-compatible engine vs bare fetch (local fake, no network latency)',
  ['bare fetch of a converted WAV', bareTranscribe],
  [
    ['engine.transcribe(16 kHz mono WAV: sent as it is)', () => stt.transcribe(ready)],
    ['engine.transcribe(22 kHz espeak WAV: ffmpeg converts)', () => stt.transcribe(question)],
  ],
  { batch: 4, rounds: 8, warmupRounds: 1 },
);

await compare(
  'text-to-speech: OpenAI-compatible engine vs bare fetch (local fake, no network latency)',
  ['bare fetch of the WAV', bareSpeech],
  [['engine.synthesize (+ audio length)', () => tts.synthesize('Please rest.')]],
  { batch: 4, rounds: 8, warmupRounds: 1 },
);

await fake.close();
rmSync(dir, { recursive: true, force: true });
