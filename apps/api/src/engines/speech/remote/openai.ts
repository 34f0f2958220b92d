/**
 * OpenAI-compatible speech: `POST /v1/audio/transcriptions` (multipart: `file`, `model`,
 * `response_format`, optional `language`) and `POST /v1/audio/speech` (JSON `{model, input, voice,
 * response_format}` → the audio bytes). OpenAI itself, and the servers that copy its API
 * (speaches/faster-whisper-server, LocalAI, vLLM, Kokoro-FastAPI…). The key, when there is one,
 * goes as `Authorization: Bearer …`.
 */
import type { SpeechAudio, SpeechToText, TextToSpeech, Transcript } from '../port.js';
import { RemoteEngine, stripBase, withoutKey, type SynthesizeOptions, type TranscribeOptions } from './base.js';
import { normaliseLanguage } from './language.js';
import type { RemoteHttpOptions, RemoteSpeechOptions } from './options.js';

type OpenAIOptions = RemoteSpeechOptions['openai'] & RemoteHttpOptions;

function auth(key: string | undefined): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

export class OpenAISpeechToText extends RemoteEngine implements SpeechToText {
  private readonly base: string;

  private readonly options: Omit<OpenAIOptions, 'apiKey'>;

  constructor(options: OpenAIOptions) {
    super('OpenAI speech-to-text', options.apiKey, options);
    this.options = withoutKey(options);
    this.base = stripBase(options.baseUrl);
  }

  transcribe(path: string, options: TranscribeOptions = {}): Promise<Transcript> {
    return this.transcribeWith(path, options.signal, async (wav) => {
      const { body } = await this.call({
        url: `${this.base}/v1/audio/transcriptions`,
        headers: { ...auth(this.key), accept: 'application/json' },
        body: () => {
          const form = new FormData();
          form.append('file', new Blob([wav], { type: 'audio/wav' }), 'audio.wav');
          form.append('model', this.options.sttModel);
          form.append('response_format', this.options.sttResponseFormat);
          if (options.language) form.append('language', options.language.slice(0, 2));
          return form;
        },
        failure: 'TRANSCRIBE_FAILED',
        signal: options.signal,
      });
      const j = this.json<{ text?: unknown; language?: unknown }>(body, 'TRANSCRIBE_FAILED');
      return {
        text: typeof j.text === 'string' ? j.text : '',
        language: options.language ?? normaliseLanguage(j.language, 'en'),
      };
    });
  }
}

export class OpenAITextToSpeech extends RemoteEngine implements TextToSpeech {
  private readonly base: string;

  private readonly options: Omit<OpenAIOptions, 'apiKey'>;

  constructor(options: OpenAIOptions) {
    super('OpenAI text-to-speech', options.apiKey, options);
    this.options = withoutKey(options);
    this.base = stripBase(options.baseUrl);
  }

  synthesize(text: string, options: SynthesizeOptions = {}): Promise<SpeechAudio> {
    return this.synthesizeWith(text, options.signal, async () => {
      const format = this.options.ttsFormat;
      const mimeType = format === 'wav' ? 'audio/wav' : 'audio/mpeg';
      const { body } = await this.call({
        url: `${this.base}/v1/audio/speech`,
        headers: { ...auth(this.key), 'content-type': 'application/json', accept: mimeType },
        body: () =>
          JSON.stringify({
            model: this.options.ttsModel,
            input: text,
            voice: options.voice ?? this.options.voice,
            response_format: format,
          }),
        failure: 'SYNTHESIZE_FAILED',
        signal: options.signal,
      });
      return { audio: body, mimeType };
    });
  }
}
