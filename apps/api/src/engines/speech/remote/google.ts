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
import { RemoteEngine, stripBase, withoutKey, type SynthesizeOptions, type TranscribeOptions } from './base.js';
import { baseLanguage, normaliseLanguage, toLocale } from './language.js';
import type { RemoteHttpOptions, RemoteSpeechOptions } from './options.js';

type GoogleOptions = RemoteSpeechOptions['google'] & RemoteHttpOptions & { language: string };

function required(key: string | undefined): string {
  if (!key) throw new SpeechError('ENGINE_UNAVAILABLE', 'Google Cloud speech needs GOOGLE_SPEECH_KEY');
  return key;
}

interface RecognizeResponse {
  results?: Array<{ alternatives?: Array<{ transcript?: unknown }>; languageCode?: unknown }>;
}

export class GoogleSpeechToText extends RemoteEngine implements SpeechToText {
  private readonly options: Omit<GoogleOptions, 'apiKey'>;

  constructor(options: GoogleOptions) {
    super('Google Speech-to-Text', required(options.apiKey), options);
    this.options = withoutKey(options);
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
        const { body } = await this.call({
          url: `${stripBase(this.options.sttEndpoint)}/v1/speech:recognize`,
          headers: { 'x-goog-api-key': this.key!, 'content-type': 'application/json' },
          body: () => JSON.stringify(request),
          failure: 'TRANSCRIBE_FAILED',
          signal: options.signal,
        });
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
}

export class GoogleTextToSpeech extends RemoteEngine implements TextToSpeech {
  private readonly options: Omit<GoogleOptions, 'apiKey'>;

  constructor(options: GoogleOptions) {
    super('Google Text-to-Speech', required(options.apiKey), options);
    this.options = withoutKey(options);
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
      const { body } = await this.call({
        url: `${stripBase(this.options.ttsEndpoint)}/v1/text:synthesize`,
        headers: { 'x-goog-api-key': this.key!, 'content-type': 'application/json' },
        body: () => JSON.stringify(request),
        failure: 'SYNTHESIZE_FAILED',
        signal: options.signal,
      });
      const j = this.json<{ audioContent?: unknown }>(body, 'SYNTHESIZE_FAILED');
      if (typeof j.audioContent !== 'string' || !j.audioContent)
        throw new SpeechError('SYNTHESIZE_FAILED', 'Google Text-to-Speech: no audioContent in the answer');
      return { audio: Buffer.from(j.audioContent, 'base64'), mimeType: 'audio/wav' };
    });
  }
}
