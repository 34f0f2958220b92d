/**
 * Voice over `WS /ws/chats/:chatId` (issue 10, item 3): the contract the server and the web share.
 *
 * Audio goes up as **binary** WebSocket frames of raw PCM: signed 16-bit little-endian, mono, at
 * `VOICE_STREAM_SAMPLE_RATE` (the browser resamples with an AudioWorklet; no codec, no ffmpeg per
 * chunk). Each binary frame belongs to the voice turn opened by the last `voice.start`; binary frames
 * with no open turn get an `error` event. Everything else is JSON text frames, in the same union as
 * `send`/`stop`/`resume`/`ping` (chat.ts `wsClientFrameSchema`).
 *
 * One turn:
 *   client `voice.start` → binary chunks … → (server VAD hears the end of speech, or the client sends
 *   `voice.end`) → server `voice.final` with the transcript → the transcript goes through the same
 *   pipeline as a typed message (`message.created` for the user message and the reply, `token`
 *   events, triage and medication safety exactly as for text) → while the model is still
 *   generating, each complete sentence is synthesised and sent as `voice.audio` (in order, `seq`
 *   from 0; an urgent block is seq 0) → `voice.audio.end` → `voice.timings`.
 *
 * Hands-free (`mode: 'hands-free'`): the turn stays open after the reply; the server's VAD cuts the
 * stream into utterances, each one becomes a turn as above. `voice.stop` closes it.
 *
 * Barge-in: when the VAD hears the user start speaking while a reply of this turn is still being
 * generated or spoken (the client says what it is still playing with `voice.playing`), the server
 * stops the generation (the reply is stored `stopped` with what it had), stops sending its audio and
 * sends `voice.barge-in`; the client stops playback at once. The interrupt button sends
 * `voice.interrupt`, which does the same without speech. What the user said is always kept.
 */
import { z } from 'zod';

/** Sample rate of the PCM16 mono binary frames the client sends. */
export const VOICE_STREAM_SAMPLE_RATE = 16_000;
/** Largest binary audio frame (bytes): 1 s of audio. Larger frames get an `error` event. */
export const VOICE_STREAM_MAX_FRAME_BYTES = VOICE_STREAM_SAMPLE_RATE * 2;

const clientId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const voiceModeSchema = z.enum(['push-to-talk', 'hands-free']);
export type VoiceMode = z.infer<typeof voiceModeSchema>;

/** Opens a voice turn (push-to-talk) or a hands-free session on this socket. */
export const wsVoiceStartFrameSchema = z
  .object({
    type: z.literal('voice.start'),
    /** Idempotency key of the first user message this turn creates (as `send`'s clientId). */
    clientId,
    mode: voiceModeSchema,
    /** Must be VOICE_STREAM_SAMPLE_RATE; stated so a mismatch is an error, not noise. */
    sampleRate: z.literal(VOICE_STREAM_SAMPLE_RATE),
    /** BCP 47 hint for STT ("en", "de"…); the server's default when absent. */
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
      .optional(),
    /** Speak the reply (default true). False: text only, e.g. the browser speaks it itself. */
    speak: z.boolean().optional(),
  })
  .strict();
/** Push-to-talk released: the end of speech is now (no waiting for the VAD). */
export const wsVoiceEndFrameSchema = z.object({ type: z.literal('voice.end') }).strict();
/** The interrupt button: stop the reply's generation and audio, keep what was said. */
export const wsVoiceInterruptFrameSchema = z.object({ type: z.literal('voice.interrupt') }).strict();
/** Close the turn or hands-free session; audio not yet transcribed is dropped. */
export const wsVoiceStopFrameSchema = z.object({ type: z.literal('voice.stop') }).strict();
/** What the client is still playing: the message whose audio is queued or playing, or null when done. */
export const wsVoicePlayingFrameSchema = z
  .object({
    type: z.literal('voice.playing'),
    messageId: z.string().min(1).max(64).nullable(),
    /** Milliseconds from `voice.final` to the first sample played (once per reply): the "first audio" stage. */
    firstAudioMs: z.number().min(0).max(600_000).optional(),
  })
  .strict();

export const wsVoiceClientFrameSchemas = [
  wsVoiceStartFrameSchema,
  wsVoiceEndFrameSchema,
  wsVoiceInterruptFrameSchema,
  wsVoiceStopFrameSchema,
  wsVoicePlayingFrameSchema,
] as const;

/** The turn is open: send audio. */
export interface WsVoiceReadyEvent {
  type: 'voice.ready';
  turnId: string;
  mode: VoiceMode;
  /** Whether replies will be spoken by the server (false: no TTS engine, speak them in the browser). */
  speak: boolean;
}
/** The VAD heard speech start (hands-free: a new utterance). */
export interface WsVoiceSpeechStartEvent {
  type: 'voice.speech-start';
  turnId: string;
}
/** A partial transcript of the utterance so far (replaces the previous partial). */
export interface WsVoicePartialEvent {
  type: 'voice.partial';
  turnId: string;
  text: string;
}
/** The end of speech was detected; the final transcript. The user message follows as `message.created`. */
export interface WsVoiceFinalEvent {
  type: 'voice.final';
  turnId: string;
  text: string;
}
/** One sentence of the reply, spoken. Play in `seq` order. */
export interface WsVoiceAudioEvent {
  type: 'voice.audio';
  turnId: string;
  messageId: string;
  seq: number;
  /** The sentence spoken (for captions). */
  text: string;
  mimeType: string;
  base64: string;
  durationSeconds: number;
}
/** No more audio for this reply. */
export interface WsVoiceAudioEndEvent {
  type: 'voice.audio.end';
  turnId: string;
  messageId: string;
}
/** The user spoke over the reply (or pressed interrupt): stop playback now. */
export interface WsVoiceBargeInEvent {
  type: 'voice.barge-in';
  turnId: string;
  /** The reply that was cut (stored as `stopped` with what it had). */
  messageId: string | null;
}
/** Per-stage latency of a voice turn (ms); also stored with the user message's timings and exported as metrics. */
export interface WsVoiceTimings {
  /** From the last audio received to the end of speech being decided (VAD hangover, or 0 for `voice.end`). */
  endOfSpeechMs: number;
  sttMs: number;
  /** From the transcript to the reply's first token. */
  firstTokenMs: number | null;
  /** From the end of speech to the first TTS byte (first sentence synthesised). */
  firstTtsByteMs: number | null;
  /** From the end of speech to the first audio played (client-reported via `voice.playing`), when known. */
  firstAudioMs: number | null;
}
export interface WsVoiceTimingsEvent {
  type: 'voice.timings';
  turnId: string;
  messageId: string;
  timings: WsVoiceTimings;
}
/** The turn or session is closed (after `voice.stop`, an error, or the end of a push-to-talk turn). */
export interface WsVoiceClosedEvent {
  type: 'voice.closed';
  turnId: string;
  reason: 'stopped' | 'done' | 'silence' | 'error';
}

export type WsVoiceServerEvent =
  | WsVoiceReadyEvent
  | WsVoiceSpeechStartEvent
  | WsVoicePartialEvent
  | WsVoiceFinalEvent
  | WsVoiceAudioEvent
  | WsVoiceAudioEndEvent
  | WsVoiceBargeInEvent
  | WsVoiceTimingsEvent
  | WsVoiceClosedEvent;
