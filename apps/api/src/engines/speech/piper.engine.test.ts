/**
 * Real Piper (en_US-joe-medium, scripts/ensure-speech.sh) round trip: what it says, Whisper
 * (FasterWhisperEngine, also real) must hear. Skipped only when the models are absent and
 * MEDICHAT_REQUIRE_SPEECH is unset (CI sets it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FasterWhisperEngine } from './faster-whisper.engine.js';
import { PiperEngine, splitSentences } from './piper.engine.js';
import { SpeechError } from './port.js';
import { localSpeechPaths } from './speech.test-helpers.js';
import { encodeWav, readWavHeader } from './wav.js';

const paths = localSpeechPaths();

describe('splitSentences and the WAV writer', () => {
  it('splits sentences and drops the ones without words', () => {
    assert.deepEqual(splitSentences('Call 112 now!  Then sit down.\n Rest.'), [
      'Call 112 now!',
      'Then sit down.',
      'Rest.',
    ]);
    assert.deepEqual(splitSentences(' ... '), []);
  });
  it('writes a PCM16 mono WAV its reader reads back', () => {
    const wav = encodeWav(Float32Array.from([0, 0.5, -1, 1]), 22050);
    assert.deepEqual(readWavHeader(wav), { sampleRate: 22050, channels: 1, bits: 16, dataBytes: 8 });
    assert.equal(wav.readInt16LE(44 + 4), -32768);
    assert.equal(wav.readInt16LE(44 + 6), 32767);
    assert.throws(() => readWavHeader(Buffer.from('not a wav file at all, just some text bytes here')));
  });
});

describe(
  'PiperEngine (en_US-joe-medium on onnxruntime-node)',
  { skip: paths.present ? false : 'run scripts/ensure-speech.sh' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-tts-'));
    const piper = new PiperEngine({ modelPath: paths.piperModel, threads: 2 });
    const whisper = new FasterWhisperEngine({ python: paths.python, modelDir: paths.whisperDir, threads: 2 });
    after(async () => {
      await Promise.all([piper.close(), whisper.close()]);
      rmSync(dir, { recursive: true, force: true });
    });

    it('speaks a sentence that Whisper transcribes back, as a PCM16 WAV at the voice rate', async () => {
      const spoken = await piper.synthesize(
        'Drink plenty of water, and rest today. Call your doctor if the fever stays.',
      );
      assert.equal(spoken.mimeType, 'audio/wav');
      const header = readWavHeader(spoken.audio);
      assert.deepEqual(
        { rate: header.sampleRate, ch: header.channels, bits: header.bits },
        { rate: 22050, ch: 1, bits: 16 },
      );
      assert.ok(spoken.durationSeconds > 2 && spoken.durationSeconds < 12, `duration ${spoken.durationSeconds}`);
      const file = join(dir, 'reply.wav');
      writeFileSync(file, spoken.audio);
      const heard = (await whisper.transcribe(file)).text.toLowerCase();
      for (const w of ['water', 'rest', 'doctor', 'fever'])
        assert.ok(heard.includes(w), `${w} missing from ${JSON.stringify(heard)}`);
    });

    it('keeps the event loop free while it synthesises', async () => {
      await piper.synthesizeSentence('Warm up.');
      let ticks = 0;
      const iv = setInterval(() => ticks++, 10);
      const t0 = performance.now();
      await piper.synthesizeSentence('The model runs on its own threads while the server keeps answering requests.');
      const ms = performance.now() - t0;
      clearInterval(iv);
      // A blocked loop would tick ~0 times; a free one ticks about ms/10 (allow a loaded machine half).
      assert.ok(ticks >= (ms / 10) * 0.5, `${ticks} ticks in ${Math.round(ms)} ms`);
    });

    it('refuses text without words and honours an aborted signal', async () => {
      await assert.rejects(
        piper.synthesize(' ... '),
        (e: unknown) => e instanceof SpeechError && e.code === 'SYNTHESIZE_FAILED',
      );
      const ac = new AbortController();
      ac.abort(new Error('stopped'));
      await assert.rejects(piper.synthesize('Hello there.', { signal: ac.signal }), /stopped/);
    });
  },
);
