/**
 * One voice turn: an uploaded recording → ffmpeg (16 kHz mono WAV) → speech-to-text → the SAME
 * send path as a typed message (`MessageService.submit`: triage, medication checks, grounding,
 * streaming, storage) → the reply spoken by the TTS engine.
 *
 * - Nothing is stored unless the recording holds words: broken audio is a 400, silence (by level,
 *   or no words in the transcript) a 422, audio over the duration limit a 413, and the chat is
 *   checked (404) before any work. Only then is the recording sealed (`sealedBlobs`, AES-GCM) under
 *   `voice/<chatId>/<id>.<ext>` and the transcript sent, with the blob's key on the user message.
 * - The reply is spoken while it is generated: the hub's token stream is cut into sentences
 *   (`SentenceCutter`) and each complete sentence goes to TTS at once, so at the end only the
 *   last sentence is left to synthesise. The urgent-care block of triage is the stream's first
 *   chunk, so a red flag is spoken first.
 * - Per-stage latency (transcode, STT, first token, first audio, TTS, total) is stored in the
 *   user message's `timings` and returned; the route exports it as metrics.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { VoiceTimings } from '@medichat/shared';
import type { BlobStore } from '../../engines/blob/port.js';
import {
  AudioDecodeError,
  concatWav,
  transcodeToWav16k,
  type SpeechAudio,
  type SpeechToText,
  type TextToSpeech,
} from '../../engines/speech/index.js';
import type { MessageDoc } from '../../engines/storage/collections.js';
import { AppError, badRequest, unprocessable } from '../../lib/errors.js';
import type { ServiceLog } from '../../lib/logger.js';
import { ProblemType } from '@medichat/shared';
import type { ChatHub, TokenStream } from './chat-hub.js';
import type { ChatService, Sender } from './chat.service.js';
import type { MessageRepository } from './message.repository.js';
import type { MessageService, Submission } from './message.service.js';
import { SentenceCutter, speakableText } from './speakable.js';

/** Below this peak level (about −46 dBFS) a recording is silence, whatever Whisper makes of it. */
const SILENCE_PEAK = 0.005;

export interface VoiceTurn {
  submission: Submission;
  reply: MessageDoc;
  transcript: string;
  audio: SpeechAudio | null;
  timings: VoiceTimings;
}

const EXT: Record<string, string> = {
  'audio/webm': 'webm',
  'video/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/m4a': 'm4a',
  'audio/aac': 'aac',
};

export const speechUnavailable = (what: string) =>
  new AppError(ProblemType.serviceUnavailable, 503, `${what} is not available on this server.`);

export class VoiceService {
  constructor(
    private readonly deps: {
      messages: Pick<MessageService, 'submit' | 'lookup'>;
      chats: Pick<ChatService, 'getOwned' | 'createOrResume'>;
      repository: Pick<MessageRepository, 'update'>;
      hub: Pick<ChatHub, 'subscribe' | 'stream'>;
      stt?: SpeechToText;
      tts?: TextToSpeech;
      /** The sealed store (recordings are health data). */
      blobs: BlobStore;
      maxSeconds: number;
      log?: Pick<ServiceLog, 'warn'>;
    },
  ) {}

  get canTranscribe(): boolean {
    return this.deps.stt !== undefined;
  }

  get canSpeak(): boolean {
    return this.deps.tts !== undefined;
  }

  /** Speak a stored message (read-aloud); 404 unless the sender owns its chat. */
  async speak(sender: Sender, messageId: string): Promise<SpeechAudio> {
    const { message } = await this.deps.messages.lookup(sender, messageId);
    const tts = this.deps.tts;
    if (!tts) throw speechUnavailable('Text-to-speech');
    const text = speakableText(message.content);
    if (!/[\p{L}\p{N}]/u.test(text)) throw unprocessable('This message has nothing to read aloud.');
    return tts.synthesize(text);
  }

  /** `audio`: the upload; `t0`: when the upload ended (performance.now()). */
  async ask(
    sender: Sender,
    input: { chatId?: string; clientId?: string; audio: Buffer; mimeType: string; t0: number },
  ): Promise<VoiceTurn> {
    const stt = this.deps.stt;
    if (!stt) throw speechUnavailable('Speech-to-text');
    const { t0 } = input;
    // The chat first: a stranger's chat is a 404 before any work.
    if (input.chatId) await this.deps.chats.getOwned(sender.id, input.chatId);
    const dir = await mkdtemp(join(tmpdir(), 'medichat-voice-'));
    try {
      const upload = join(dir, 'upload');
      await writeFile(upload, input.audio);
      const wav = join(dir, 'speech.wav');
      let level;
      try {
        level = await transcodeToWav16k(upload, wav, { maxSeconds: this.deps.maxSeconds });
      } catch (err) {
        if (err instanceof AudioDecodeError) throw badRequest('The recording could not be decoded as audio.');
        throw err;
      }
      const transcodeMs = performance.now() - t0;
      if (level.durationSeconds > this.deps.maxSeconds)
        throw new AppError(
          ProblemType.payloadTooLarge,
          413,
          `A voice message may be at most ${this.deps.maxSeconds} seconds long.`,
        );
      if (level.durationSeconds < 0.1 || level.peak < SILENCE_PEAK) throw silent();
      const transcript = (await stt.transcribe(wav, { language: 'en' })).text.trim();
      const sttMs = performance.now() - t0 - transcodeMs;
      if (!/[\p{L}\p{N}]/u.test(transcript)) throw silent();

      const chatId = input.chatId ?? (await this.deps.chats.createOrResume(sender, {})).chat.id;
      const audioKey = `voice/${chatId}/${uuidv7()}.${EXT[input.mimeType.split(';')[0]!.trim()] ?? 'bin'}`;
      await this.deps.blobs.put(audioKey, input.audio, { contentType: input.mimeType });
      const spoken = this.speakAlong(chatId);
      let submission: Submission;
      try {
        submission = await this.deps.messages.submit(sender, {
          chatId,
          content: transcript,
          clientId: input.clientId ?? randomUUID(),
          audioKey,
        });
      } catch (err) {
        spoken.cancel();
        await this.deps.blobs.delete(audioKey).catch(() => false);
        throw err;
      }
      if (submission.duplicate) await this.deps.blobs.delete(audioKey).catch(() => false);
      spoken.follow(submission.assistant.id);
      const reply = await submission.done;
      const speech = await spoken.finish(reply.content);
      const timings: VoiceTimings = {
        transcodeMs: round(transcodeMs),
        sttMs: round(sttMs),
        firstTokenMs: speech.firstTokenAt === null ? null : round(speech.firstTokenAt - t0 - transcodeMs - sttMs),
        firstAudioMs: speech.firstAudioAt === null ? null : round(speech.firstAudioAt - t0),
        ttsMs: round(speech.ttsMs),
        totalMs: round(performance.now() - t0),
      };
      if (!submission.duplicate)
        await this.deps.repository
          .update(submission.user.id, { set: { timings: { ...timings } as Record<string, number> } })
          .catch((err: unknown) => this.deps.log?.warn({ err }, 'voice timings not stored'));
      return { submission, reply, transcript, audio: speech.audio, timings };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Speak a reply sentence by sentence as its tokens arrive (subscribe before the send, so the
   * first chunk is not missed; follow the reply's stream once its id is known).
   */
  private speakAlong(chatId: string) {
    const tts = this.deps.tts;
    const cutter = new SentenceCutter();
    const parts: Array<Promise<SpeechAudio | null>> = [];
    let messageId: string | undefined;
    let firstTokenAt: number | null = null;
    let firstAudioAt: number | null = null;
    let ttsMs = 0;
    let failed = false;
    const say = (sentences: string[]) => {
      if (!tts || failed) return;
      for (const s of sentences) {
        parts.push(
          tts.synthesize(s).then(
            (a) => {
              firstAudioAt ??= performance.now();
              ttsMs += a.seconds * 1000;
              return a;
            },
            (err: unknown) => {
              failed = true;
              this.deps.log?.warn({ err }, 'tts failed: the reply is returned without audio');
              return null;
            },
          ),
        );
      }
    };
    const onTokens = (stream: TokenStream) => {
      if (stream.messageId !== messageId || stream.chunks.length === 0) return;
      firstTokenAt ??= performance.now();
      say(cutter.push(stream.chunks.join('')));
    };
    const unsubscribe = this.deps.hub.subscribe(chatId, { event: () => undefined, tokens: onTokens });
    return {
      cancel: unsubscribe,
      follow: (id: string) => {
        messageId = id;
        const stream = this.deps.hub.stream(id);
        if (stream) onTokens(stream);
      },
      finish: async (content: string) => {
        unsubscribe();
        if (content) firstTokenAt ??= performance.now();
        say(cutter.finish(content));
        const audios = await Promise.all(parts);
        const ok = audios.filter((a): a is SpeechAudio => a !== null);
        const audio = tts && !failed && ok.length ? concatWav(ok) : null;
        return { audio, firstTokenAt, firstAudioAt: audio ? firstAudioAt : null, ttsMs };
      },
    };
  }
}

const silent = () => unprocessable('No speech was heard in the recording.');
const round = (ms: number) => Math.round(ms);
