/**
 * Real Whisper tiny.en (scripts/ensure-speech.sh) on a WAV that espeak-ng speaks: the transcript
 * must contain the spoken words. Skipped only when the model is absent and MEDICHAT_REQUIRE_SPEECH
 * is unset (CI sets it, so CI never skips).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FasterWhisperEngine } from './faster-whisper.engine.js';
import { SpeechError } from './port.js';

const cache = process.env.MEDICHAT_CACHE ?? join(homedir(), '.cache', 'medichat');
const python = join(cache, 'venvs', 'speech-1', 'bin', 'python');
const modelDir = join(cache, 'models', '.speech', 'whisper-tiny-en-ct2');
const present = existsSync(python) && existsSync(join(modelDir, 'model.bin'));
if (!present && process.env.MEDICHAT_REQUIRE_SPEECH === '1')
  throw new Error('speech model missing: run scripts/ensure-speech.sh');

describe(
  'FasterWhisperEngine (Whisper tiny.en, child process)',
  { skip: present ? false : 'run scripts/ensure-speech.sh' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-stt-'));
    const engine = new FasterWhisperEngine({ python, modelDir, threads: 2 });
    const wav = join(dir, 'q.wav');
    before(() => {
      execFileSync('espeak-ng', [
        '-v',
        'en-us',
        '-s',
        '150',
        '-w',
        wav,
        'I have a headache and a fever since yesterday.',
      ]);
    });
    after(async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('transcribes the words espeak-ng spoke', async () => {
      const t = await engine.transcribe(wav);
      const words = t.text.toLowerCase();
      for (const w of ['headache', 'fever', 'yesterday'])
        assert.ok(words.includes(w), `${w} missing from ${JSON.stringify(t.text)}`);
      assert.ok(t.durationSeconds > 1 && t.durationSeconds < 10, `duration ${t.durationSeconds}`);
    });

    it('runs two requests in flight and answers each with its own audio', async () => {
      const wav2 = join(dir, 'q2.wav');
      execFileSync('espeak-ng', ['-v', 'en-us', '-w', wav2, 'My chest hurts.']);
      const [a, b] = await Promise.all([engine.transcribe(wav2), engine.transcribe(wav)]);
      assert.match(a.text.toLowerCase(), /chest/);
      assert.match(b.text.toLowerCase(), /headache/);
    });

    it('rejects a file that is not audio with a SpeechError, and keeps working', async () => {
      const bad = join(dir, 'bad.wav');
      writeFileSync(bad, 'this is not audio at all');
      await assert.rejects(
        engine.transcribe(bad),
        (e: unknown) => e instanceof SpeechError && e.code === 'TRANSCRIBE_FAILED',
      );
      assert.match((await engine.transcribe(wav)).text.toLowerCase(), /fever/);
    });
  },
);
