/**
 * For tests: where scripts/ensure-speech.sh puts the local speech models, and whether they are
 * there. Throws when they are missing and MEDICHAT_REQUIRE_SPEECH=1 (CI), so CI never skips.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LocalSpeechPaths {
  python: string;
  whisperDir: string;
  piperModel: string;
  present: boolean;
}

export function localSpeechPaths(env: Record<string, string | undefined> = process.env): LocalSpeechPaths {
  const cache = env.MEDICHAT_CACHE ?? join(homedir(), '.cache', 'medichat');
  const python = join(cache, 'venvs', 'speech-1', 'bin', 'python');
  const whisperDir = join(cache, 'models', '.speech', 'whisper-tiny-en-ct2');
  const piperModel = join(cache, 'models', '.speech', 'piper-en_US-joe-medium', 'en_US-joe-medium.onnx');
  const present = existsSync(python) && existsSync(join(whisperDir, 'model.bin')) && existsSync(piperModel);
  if (!present && env.MEDICHAT_REQUIRE_SPEECH === '1')
    throw new Error('speech models missing: run scripts/ensure-speech.sh');
  return { python, whisperDir, piperModel, present };
}
