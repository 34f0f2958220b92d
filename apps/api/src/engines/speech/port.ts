/** The speech port: speech-to-text engines behind one interface (TTS and remote engines follow). */
export interface Transcript {
  text: string;
  language: string;
  /** Length of the audio in seconds. */
  durationSeconds: number;
  /** Time the engine spent, in seconds. */
  seconds: number;
}

export interface SpeechToText {
  /** Transcribe an audio file (any format ffmpeg reads). Throws `SpeechError`. */
  transcribe(path: string, options?: { language?: string }): Promise<Transcript>;
  close(): Promise<void>;
}

export class SpeechError extends Error {
  constructor(
    readonly code: 'ENGINE_UNAVAILABLE' | 'TRANSCRIBE_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'SpeechError';
  }
}
