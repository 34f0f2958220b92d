/** What the remote speech engines are given (the API's config builds it: `Config.speechRemote`). */

/** Shared by every remote engine. */
export interface RemoteHttpOptions {
  /** Time allowed for one request, response included. */
  timeoutMs: number;
  /** Further attempts after a 408/429/5xx or a dropped connection. */
  retries: number;
  /** `fetch` to use (a proxy's); default the global one. */
  fetch?: typeof fetch;
}

export interface RemoteSpeechOptions extends RemoteHttpOptions {
  /** BCP-47 language asked of Azure and Google when the caller names none, e.g. `en-US`. */
  language: string;
  /** Any server speaking OpenAI's `/v1/audio/transcriptions` and `/v1/audio/speech`. */
  openai: {
    baseUrl: string;
    apiKey?: string;
    sttModel: string;
    /** `verbose_json` (Whisper: language and duration too) or `json` (gpt-4o-transcribe). */
    sttResponseFormat: 'json' | 'verbose_json';
    ttsModel: string;
    voice: string;
    ttsFormat: 'wav' | 'mp3';
  };
  elevenlabs: {
    baseUrl: string;
    apiKey?: string;
    voiceId: string;
    ttsModel: string;
    sttModel: string;
    /** `mp3_<rate>_<kbps>` or `pcm_<rate>` (returned as WAV). */
    outputFormat: string;
  };
  azure: {
    region?: string;
    apiKey?: string;
    /** Replaces `https://<region>.stt.speech.microsoft.com` and `https://<region>.tts.speech.microsoft.com`. */
    endpoint?: string;
    voice: string;
  };
  google: {
    apiKey?: string;
    /** Speech-to-Text base, default `https://speech.googleapis.com`. */
    sttEndpoint: string;
    /** Text-to-Speech base, default `https://texttospeech.googleapis.com`. */
    ttsEndpoint: string;
    /** A voice name such as `en-US-Standard-C`; unset = Google's choice for the language. */
    voice?: string;
  };
}
