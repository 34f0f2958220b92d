/** The speech port: speech-to-text and text-to-speech engines (local and remote) behind one interface each. */
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

/** Synthesised speech. */
export interface SpeechAudio {
  audio: Buffer;
  /** `audio/wav`, `audio/mpeg` or `audio/ogg`. */
  mimeType: string;
  durationSeconds: number;
  /** Time the engine spent, in seconds. */
  seconds: number;
}

export interface TextToSpeech {
  /** Speak `text`. Throws `SpeechError`; an aborted signal rejects with the abort reason. */
  synthesize(text: string, options?: { voice?: string; language?: string; signal?: AbortSignal }): Promise<SpeechAudio>;
  close(): Promise<void>;
}

export class SpeechError extends Error {
  constructor(
    readonly code: 'ENGINE_UNAVAILABLE' | 'TRANSCRIBE_FAILED' | 'SYNTHESIZE_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'SpeechError';
  }
}
