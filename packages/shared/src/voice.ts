/** Voice messages (`POST /api/messages/voice`) and read-aloud (`POST /api/messages/:id/speech`). */
import { z } from 'zod';
import { sentMessageSchema } from './chat.js';

/** Audio a voice message may be sent in (anything else ffmpeg cannot decode is a 400). */
export const VOICE_AUDIO_TYPES = [
  'audio/webm',
  'audio/ogg',
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/mpeg',
  'audio/mp3',
  'audio/mp4',
  'audio/x-m4a',
  'audio/m4a',
  'audio/aac',
  'video/webm',
  'application/octet-stream',
] as const;

/** Milliseconds of each stage of one voice turn, from the end of the upload. */
export const voiceTimingsSchema = z.object({
  /** ffmpeg: the upload to 16 kHz mono WAV. */
  transcodeMs: z.number(),
  /** Speech-to-text. */
  sttMs: z.number(),
  /** From the transcript to the reply's first token (triage's block counts as one). */
  firstTokenMs: z.number().nullable(),
  /** From the end of the upload to the first sentence of the reply synthesised. */
  firstAudioMs: z.number().nullable(),
  /** Time the TTS engine spent, all sentences. */
  ttsMs: z.number(),
  /** From the end of the upload to the answer. */
  totalMs: z.number(),
});
export type VoiceTimings = z.infer<typeof voiceTimingsSchema>;

export const voiceAudioSchema = z.object({
  mimeType: z.string(),
  /** The audio, base64 (inline: one round trip, playback starts as soon as the answer arrives). */
  base64: z.string(),
  durationSeconds: z.number(),
});

/** `POST /api/messages/voice`: the stored reply (as `POST /api/messages`), the transcript and the spoken reply. */
export const voiceReplySchema = sentMessageSchema.extend({
  transcript: z.string(),
  /** The reply spoken (WAV); null when the server has no TTS engine (speak it in the browser). */
  audio: voiceAudioSchema.nullable(),
  voiceTimings: voiceTimingsSchema,
});
export type VoiceReply = z.infer<typeof voiceReplySchema>;

/** `GET /api/speech`: what the server's speech engines can do (the web falls back to the browser). */
export const speechCapabilitiesSchema = z.object({
  /** Voice messages are accepted (`POST /api/messages/voice`). */
  transcribe: z.boolean(),
  /** Replies can be spoken by the server (`POST /api/messages/:id/speech`). */
  speak: z.boolean(),
  maxSeconds: z.number().int(),
  maxBytes: z.number().int(),
});
export type SpeechCapabilities = z.infer<typeof speechCapabilitiesSchema>;
