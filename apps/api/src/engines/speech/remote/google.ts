/**
 * Google Cloud Speech-to-Text v1 `POST {endpoint}/v1/speech:recognize` (JSON `{config: {encoding:
 * LINEAR16, sampleRateHertz, languageCode}, audio: {content: base64}}` → `results[].alternatives[]
 * .transcript`; synchronous recognition takes ≤ 60 s) and Text-to-Speech v1 `POST
 * {endpoint}/v1/text:synthesize` (`{input: {text}, voice: {languageCode, name}, audioConfig:
 * {audioEncoding: LINEAR16}}` → `{audioContent: base64}`, a WAV file). The API key goes in the
 * `x-goog-api-key` header, never in `?key=`, so it is in no URL and no log line.
 */
import { SpeechError, type SpeechAudio, type SpeechToText, type TextToSpeech, type Transcript } from '../port.js';
import { SAMPLE_RATE } from './audio.js';
import { RemoteEngine, stripBase, type SynthesizeOptions, type TranscribeOptions } from './base.js';
import { baseLanguage, normaliseLanguage, toLocale } from './language.js';
import type { VendorOptions } from './options.js';

interface RecognizeResponse {
  results?: Array<{ alternatives?: Array<{ transcript?: unknown }>; languageCode?: unknown }>;
}

export class GoogleSpeech extends RemoteEngine<VendorOptions<'google'>> implements SpeechToText, TextToSpeech {
  constructor(options: VendorOptions<'google'>) {
    super('Google Cloud speech', options, 'GOOGLE_SPEECH_KEY');
  }

  private post(url: string, request: object, failure: 'TRANSCRIBE_FAILED' | 'SYNTHESIZE_FAILED', signal?: AbortSignal) {
    return this.call({
      url,
      headers: { 'x-goog-api-key': this.key!, 'content-type': 'application/json' },
      body: () => JSON.stringify(request),
      failure,
      signal,
    });
  }

  transcribe(path: string, options: TranscribeOptions = {}): Promise<Transcript> {
    const locale = toLocale(options.language, this.options.language);
    return this.transcribeWith(
      path,
      options.signal,
      async (wav) => {
        const request = {
          config: { encoding: 'LINEAR16', sampleRateHertz: SAMPLE_RATE, languageCode: locale },
          audio: { content: wav.toString('base64') },
        };
        const url = `${stripBase(this.options.sttEndpoint)}/v1/speech:recognize`;
        const { body } = await this.post(url, request, 'TRANSCRIBE_FAILED', options.signal);
        const j = this.json<RecognizeResponse>(body, 'TRANSCRIBE_FAILED');
        const results = Array.isArray(j.results) ? j.results : [];
        const text = results
          .map((r) => r.alternatives?.[0]?.transcript)
          .filter((t): t is string => typeof t === 'string')
          .map((t) => t.trim())
          .join(' ');
        return { text, language: normaliseLanguage(results[0]?.languageCode, baseLanguage(locale)) };
      },
      60,
    );
  }

  synthesize(text: string, options: SynthesizeOptions = {}): Promise<SpeechAudio> {
    return this.synthesizeWith(text, options.signal, async () => {
      const name = options.voice ?? this.options.voice;
      const locale = toLocale(options.language, /^[a-z]{2,3}-[A-Z]{2}/.exec(name ?? '')?.[0] ?? this.options.language);
      const request = {
        input: { text },
        voice: { languageCode: locale, ...(name ? { name } : {}) },
        audioConfig: { audioEncoding: 'LINEAR16' },
      };
      const url = `${stripBase(this.options.ttsEndpoint)}/v1/text:synthesize`;
      const { body } = await this.post(url, request, 'SYNTHESIZE_FAILED', options.signal);
      const j = this.json<{ audioContent?: unknown }>(body, 'SYNTHESIZE_FAILED');
      if (typeof j.audioContent !== 'string' || !j.audioContent)
        throw new SpeechError('SYNTHESIZE_FAILED', 'Google Cloud speech: no audioContent in the answer');
      return { audio: Buffer.from(j.audioContent, 'base64'), mimeType: 'audio/wav' };
    });
  }
}
