/**
 * ElevenLabs: text-to-speech `POST /v1/text-to-speech/{voice_id}?output_format=…` (JSON `{text,
 * model_id}` → the audio bytes) and speech-to-text `POST /v1/speech-to-text` (multipart `file`,
 * `model_id`, optional `language_code` → `{text, language_code, words}`). The key goes in the
 * `xi-api-key` header. `pcm_<rate>` output is raw PCM; it is handed on as a WAV file.
 */
import { SpeechError, type SpeechAudio, type SpeechToText, type TextToSpeech, type Transcript } from '../port.js';
import { pcmToWav } from './audio.js';
import { audioForm, RemoteEngine, stripBase, type SynthesizeOptions, type TranscribeOptions } from './base.js';
import { normaliseLanguage } from './language.js';
import type { VendorOptions } from './options.js';

export class ElevenLabsSpeech extends RemoteEngine<VendorOptions<'elevenlabs'>> implements SpeechToText, TextToSpeech {
  private readonly base: string;
  private readonly pcmRate: number | undefined;

  constructor(options: VendorOptions<'elevenlabs'>) {
    super('ElevenLabs', options, 'ELEVENLABS_API_KEY');
    this.base = stripBase(options.baseUrl);
    const m = /^pcm_(\d+)$/.exec(options.outputFormat);
    this.pcmRate = m ? Number(m[1]) : undefined;
    if (!m && !/^mp3_\d+_\d+$/.test(options.outputFormat))
      throw new SpeechError(
        'ENGINE_UNAVAILABLE',
        `ElevenLabs: output format ${options.outputFormat} is not mp3_* or pcm_*`,
      );
  }

  transcribe(path: string, options: TranscribeOptions = {}): Promise<Transcript> {
    return this.transcribeWith(path, options.signal, async (wav) => {
      const { body } = await this.call({
        url: `${this.base}/v1/speech-to-text`,
        headers: { 'xi-api-key': this.key!, accept: 'application/json' },
        body: () => audioForm(wav, { model_id: this.options.sttModel, language_code: options.language?.slice(0, 2) }),
        failure: 'TRANSCRIBE_FAILED',
        signal: options.signal,
      });
      const j = this.json<{ text?: unknown; language_code?: unknown }>(body, 'TRANSCRIBE_FAILED');
      return {
        text: typeof j.text === 'string' ? j.text : '',
        language: options.language ?? normaliseLanguage(j.language_code, 'en'),
      };
    });
  }

  synthesize(text: string, options: SynthesizeOptions = {}): Promise<SpeechAudio> {
    return this.synthesizeWith(text, options.signal, async () => {
      const voice = encodeURIComponent(options.voice ?? this.options.voiceId);
      const format = encodeURIComponent(this.options.outputFormat);
      const { body } = await this.call({
        url: `${this.base}/v1/text-to-speech/${voice}?output_format=${format}`,
        headers: {
          'xi-api-key': this.key!,
          'content-type': 'application/json',
          accept: this.pcmRate ? 'audio/pcm' : 'audio/mpeg',
        },
        body: () => JSON.stringify({ text, model_id: this.options.ttsModel }),
        failure: 'SYNTHESIZE_FAILED',
        signal: options.signal,
      });
      return this.pcmRate
        ? { audio: pcmToWav(body, this.pcmRate), mimeType: 'audio/wav' }
        : { audio: body, mimeType: 'audio/mpeg' };
    });
  }
}
