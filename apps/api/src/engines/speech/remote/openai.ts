/**
 * OpenAI-compatible speech: `POST /v1/audio/transcriptions` (multipart: `file`, `model`,
 * `response_format`, optional `language`) and `POST /v1/audio/speech` (JSON `{model, input, voice,
 * response_format}` → the audio bytes). OpenAI itself, and the servers that copy its API
 * (speaches/faster-whisper-server, LocalAI, vLLM, Kokoro-FastAPI…). The key, when there is one,
 * goes as `Authorization: Bearer …`; a local server may need none.
 */
import type { SpeechAudio, SpeechToText, TextToSpeech, Transcript } from '../port.js';
import { audioForm, RemoteEngine, stripBase, type SynthesizeOptions, type TranscribeOptions } from './base.js';
import { normaliseLanguage } from './language.js';
import type { VendorOptions } from './options.js';

export class OpenAISpeech extends RemoteEngine<VendorOptions<'openai'>> implements SpeechToText, TextToSpeech {
  private readonly base: string;

  constructor(options: VendorOptions<'openai'>) {
    super('OpenAI speech', options);
    this.base = stripBase(options.baseUrl);
  }

  private headers(accept: string): Record<string, string> {
    return { ...(this.key ? { authorization: `Bearer ${this.key}` } : {}), accept };
  }

  transcribe(path: string, options: TranscribeOptions = {}): Promise<Transcript> {
    return this.transcribeWith(path, options.signal, async (wav) => {
      const { body } = await this.call({
        url: `${this.base}/v1/audio/transcriptions`,
        headers: this.headers('application/json'),
        body: () =>
          audioForm(wav, {
            model: this.options.sttModel,
            response_format: this.options.sttResponseFormat,
            language: options.language?.slice(0, 2),
          }),
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

  synthesize(text: string, options: SynthesizeOptions = {}): Promise<SpeechAudio> {
    return this.synthesizeWith(text, options.signal, async () => {
      const format = this.options.ttsFormat;
      const mimeType = format === 'wav' ? 'audio/wav' : 'audio/mpeg';
      const { body } = await this.call({
        url: `${this.base}/v1/audio/speech`,
        headers: { ...this.headers(mimeType), 'content-type': 'application/json' },
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
