/**
 * Azure AI Speech over REST. Speech-to-text: the REST API for short audio (≤ 60 s), `POST
 * https://<region>.stt.speech.microsoft.com/speech/recognition/conversation/cognitiveservices/v1
 * ?language=<locale>&format=simple` with the WAV as the body (`audio/wav; codecs=audio/pcm;
 * samplerate=16000`) → `{RecognitionStatus, DisplayText, Offset, Duration}`. Text-to-speech: `POST
 * https://<region>.tts.speech.microsoft.com/cognitiveservices/v1` with SSML,
 * `X-Microsoft-OutputFormat: riff-16khz-16bit-mono-pcm` → a WAV file. The key goes in
 * `Ocp-Apim-Subscription-Key`; `endpoint` replaces both hosts (sovereign clouds, a proxy, tests).
 */
import { SpeechError, type SpeechAudio, type SpeechToText, type TextToSpeech, type Transcript } from '../port.js';
import { RemoteEngine, stripBase, type SynthesizeOptions, type TranscribeOptions } from './base.js';
import { baseLanguage, toLocale } from './language.js';
import type { VendorOptions } from './options.js';

const USER_AGENT = 'medichat';

/** Statuses of a request that was understood but held no speech: an empty transcript, not a failure. */
const NO_SPEECH = new Set(['NoMatch', 'InitialSilenceTimeout', 'BabbleTimeout']);

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class AzureSpeech extends RemoteEngine<VendorOptions<'azure'>> implements SpeechToText, TextToSpeech {
  constructor(options: VendorOptions<'azure'>) {
    super('Azure Speech', options, 'AZURE_SPEECH_KEY');
    if (!options.endpoint && !options.region)
      throw new SpeechError('ENGINE_UNAVAILABLE', 'Azure Speech needs AZURE_SPEECH_REGION (or AZURE_SPEECH_ENDPOINT)');
  }

  private host(service: 'stt' | 'tts'): string {
    const { endpoint, region } = this.options;
    return endpoint ? stripBase(endpoint) : `https://${region}.${service}.speech.microsoft.com`;
  }

  transcribe(path: string, options: TranscribeOptions = {}): Promise<Transcript> {
    const locale = toLocale(options.language, this.options.language);
    const query = new URLSearchParams({ language: locale, format: 'simple' });
    return this.transcribeWith(
      path,
      options.signal,
      async (wav) => {
        const { body } = await this.call({
          url: `${this.host('stt')}/speech/recognition/conversation/cognitiveservices/v1?${query.toString()}`,
          headers: {
            'ocp-apim-subscription-key': this.key!,
            'content-type': 'audio/wav; codecs=audio/pcm; samplerate=16000',
            accept: 'application/json',
          },
          body: () => new Uint8Array(wav),
          failure: 'TRANSCRIBE_FAILED',
          signal: options.signal,
        });
        const j = this.json<{ RecognitionStatus?: unknown; DisplayText?: unknown }>(body, 'TRANSCRIBE_FAILED');
        const status = String(j.RecognitionStatus);
        if (status !== 'Success' && !NO_SPEECH.has(status))
          throw new SpeechError('TRANSCRIBE_FAILED', `Azure Speech: recognition ${status}`);
        return {
          text: status === 'Success' && typeof j.DisplayText === 'string' ? j.DisplayText : '',
          language: baseLanguage(locale),
        };
      },
      60,
    );
  }

  synthesize(text: string, options: SynthesizeOptions = {}): Promise<SpeechAudio> {
    return this.synthesizeWith(text, options.signal, async () => {
      const voice = options.voice ?? this.options.voice;
      // The voice's own locale (en-US-JennyNeural → en-US) unless the caller names one.
      const locale = toLocale(options.language, /^[a-z]{2,3}-[A-Z]{2}/.exec(voice)?.[0] ?? this.options.language);
      const ssml =
        `<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="${escapeXml(locale)}">` +
        `<voice name="${escapeXml(voice)}">${escapeXml(text)}</voice></speak>`;
      const { body } = await this.call({
        url: `${this.host('tts')}/cognitiveservices/v1`,
        headers: {
          'ocp-apim-subscription-key': this.key!,
          'content-type': 'application/ssml+xml',
          'x-microsoft-outputformat': 'riff-16khz-16bit-mono-pcm',
          'user-agent': USER_AGENT,
        },
        body: () => ssml,
        failure: 'SYNTHESIZE_FAILED',
        signal: options.signal,
      });
      return { audio: body, mimeType: 'audio/wav' };
    });
  }
}
