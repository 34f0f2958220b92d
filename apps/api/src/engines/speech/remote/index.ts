/**
 * The remote speech engines behind the speech port, chosen by name (`SPEECH_STT_ENGINE` /
 * `SPEECH_TTS_ENGINE`): `openai` (any OpenAI-compatible server), `elevenlabs`, `azure`, `google`.
 * Each vendor's engine does both directions. Building one throws a `SpeechError('ENGINE_UNAVAILABLE')`
 * naming the missing setting when its key (or Azure's region) is not configured, so a misconfigured
 * choice stops the boot with a clear message.
 */
import type { SpeechToText, TextToSpeech } from '../port.js';
import { AzureSpeech } from './azure.js';
import { ElevenLabsSpeech } from './elevenlabs.js';
import { GoogleSpeech } from './google.js';
import { OpenAISpeech } from './openai.js';
import type { RemoteSpeechOptions } from './options.js';

export const REMOTE_SPEECH_ENGINES = ['openai', 'elevenlabs', 'azure', 'google'] as const;
export type RemoteSpeechEngineName = (typeof REMOTE_SPEECH_ENGINES)[number];

function create(name: RemoteSpeechEngineName, opts: RemoteSpeechOptions): SpeechToText & TextToSpeech {
  const shared = { timeoutMs: opts.timeoutMs, retries: opts.retries, fetch: opts.fetch, language: opts.language };
  switch (name) {
    case 'openai':
      return new OpenAISpeech({ ...opts.openai, ...shared });
    case 'elevenlabs':
      return new ElevenLabsSpeech({ ...opts.elevenlabs, ...shared });
    case 'azure':
      return new AzureSpeech({ ...opts.azure, ...shared });
    case 'google':
      return new GoogleSpeech({ ...opts.google, ...shared });
  }
}

export function createRemoteSpeechToText(name: RemoteSpeechEngineName, opts: RemoteSpeechOptions): SpeechToText {
  return create(name, opts);
}

export function createRemoteTextToSpeech(name: RemoteSpeechEngineName, opts: RemoteSpeechOptions): TextToSpeech {
  return create(name, opts);
}

export type { RemoteSpeechOptions } from './options.js';
export { AzureSpeech } from './azure.js';
export { ElevenLabsSpeech } from './elevenlabs.js';
export { GoogleSpeech } from './google.js';
export { OpenAISpeech } from './openai.js';
