export { SpeechError, type SpeechToText, type Transcript } from './port.js';
export { FasterWhisperEngine, type FasterWhisperOptions } from './faster-whisper.engine.js';
