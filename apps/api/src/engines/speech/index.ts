export { SpeechError, type SpeechAudio, type SpeechToText, type TextToSpeech, type Transcript } from './port.js';
export { FasterWhisperEngine, type FasterWhisperOptions } from './faster-whisper.engine.js';
