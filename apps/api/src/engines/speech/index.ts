export { SpeechError, type SpeechAudio, type SpeechToText, type TextToSpeech, type Transcript } from './port.js';
export { FasterWhisperEngine, type FasterWhisperOptions } from './faster-whisper.engine.js';
export { PiperEngine, splitSentences, type PiperOptions } from './piper.engine.js';
export { AudioDecodeError, transcodeToWav16k, type TranscodedAudio } from './transcode.js';
export { concatWav, encodeWav, readWavHeader } from './wav.js';
