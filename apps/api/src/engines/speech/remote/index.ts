/**
 * The remote speech engines behind the speech port, chosen by name (`SPEECH_STT_ENGINE` /
 * `SPEECH_TTS_ENGINE`): `openai` (any OpenAI-compatible server), `elevenlabs`, `azure`, `google`.
 * Each throws a `SpeechError('ENGINE_UNAVAILABLE')` naming the missing setting when its key (or
 * Azure's region) is not configured, so a misconfigured choice stops the boot with a clear message.
 */
import type { SpeechToText, TextToSpeech } from '../port.js';
import { AzureSpeechToText, AzureTextToSpeech } from './azure.js';
import { ElevenLabsSpeechToText, ElevenLabsTextToSpeech } from './elevenlabs.js';
import { GoogleSpeechToText, GoogleTextToSpeech } from './google.js';
import { OpenAISpeechToText, OpenAITextToSpeech } from './openai.js';
import type { RemoteSpeechOptions } from './options.js';

export const REMOTE_SPEECH_ENGINES = ['openai', 'elevenlabs', 'azure', 'google'] as const;
export type RemoteSpeechEngineName = (typeof REMOTE_SPEECH_ENGINES)[number];

export function createRemoteSpeechToText(name: RemoteSpeechEngineName, opts: RemoteSpeechOptions): SpeechToText {
  const http = { timeoutMs: opts.timeoutMs, retries: opts.retries, fetch: opts.fetch, language: opts.language };
  switch (name) {
    case 'openai':
      return new OpenAISpeechToText({ ...opts.openai, ...http });
    case 'elevenlabs':
      return new ElevenLabsSpeechToText({ ...opts.elevenlabs, ...http });
    case 'azure':
      return new AzureSpeechToText({ ...opts.azure, ...http });
    case 'google':
      return new GoogleSpeechToText({ ...opts.google, ...http });
  }
}

export function createRemoteTextToSpeech(name: RemoteSpeechEngineName, opts: RemoteSpeechOptions): TextToSpeech {
  const http = { timeoutMs: opts.timeoutMs, retries: opts.retries, fetch: opts.fetch, language: opts.language };
  switch (name) {
    case 'openai':
      return new OpenAITextToSpeech({ ...opts.openai, ...http });
    case 'elevenlabs':
      return new ElevenLabsTextToSpeech({ ...opts.elevenlabs, ...http });
    case 'azure':
      return new AzureTextToSpeech({ ...opts.azure, ...http });
    case 'google':
      return new GoogleTextToSpeech({ ...opts.google, ...http });
  }
}

export type { RemoteSpeechOptions } from './options.js';
export { AzureSpeechToText, AzureTextToSpeech } from './azure.js';
export { ElevenLabsSpeechToText, ElevenLabsTextToSpeech } from './elevenlabs.js';
export { GoogleSpeechToText, GoogleTextToSpeech } from './google.js';
export { OpenAISpeechToText, OpenAITextToSpeech } from './openai.js';
