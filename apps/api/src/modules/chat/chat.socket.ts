/**
 * `WS /ws/chats/:chatId`: one socket, one chat, both ways.
 *
 * Authentication (Authorization header, or `?token=` since browsers cannot set headers) and chat
 * ownership are checked before the upgrade is accepted; a refused socket is closed at once with
 * 4401 (no valid token) or 4404 (no such chat, or not yours), so browsers see why.
 *
 * Server → client: `ready` (first; lists running generations), `message.created`, `token`,
 * `message.completed`, `message.failed`, `model.progress`, `chat.updated`, `chat.deleted`,
 * `error`, `pong` (shapes in `@medichat/shared` chat.ts).
 * Client → server: `send`, `stop`, `resume`, `ping`. Every frame is validated: a bad one gets an
 * `error` event (the socket stays open); a frame over WS_MAX_FRAME_BYTES closes it with 1009.
 *
 * Tokens: a socket follows a generation ("joins" it) when it sees the reply being created, or
 * when it asks with `resume`. It then receives every chunk exactly once and in order. Chunks are
 * pulled from the generation's shared buffer, so a slow socket costs no memory: while its send
 * buffer is above the high-water mark it is skipped, and when it drains it gets everything it
 * missed in one frame. A socket whose buffer keeps growing past the hard limit (it reads nothing)
 * is closed with 1013; it reconnects and resumes from its last seq, losing nothing.
 */
import type { WebSocket } from 'ws';
import {
  ProblemType,
  type ProblemTypeId,
  WsCloseCode,
  wsClientFrameSchema,
  type WsClientFrame,
  type WsServerEvent,
} from '@medichat/shared';
import { StorageUnavailableError } from '../../engines/storage/errors.js';
import { AppError } from '../../lib/errors.js';
import { presentMessage } from './chat.presenter.js';
import type { ChatHub, HubSubscriber, TokenStream } from './chat-hub.js';
import type { MessageService, Sender } from './message.service.js';

export interface SocketLimits {
  /** Skip token frames while the socket's send buffer holds more than this (bytes). */
  highWaterBytes: number;
  /** Close with 1013 beyond this. */
  hardLimitBytes: number;
  /** Frames a client may send per 10 s (beyond: `rate_limited` errors). */
  framesPer10s: number;
  /** How often an idle socket re-checks that its session still lives (default 60 s). */
  sessionCheckMs?: number;
}

export const defaultSocketLimits: SocketLimits = {
  highWaterBytes: 256 * 1024,
  hardLimitBytes: 8 * 1024 * 1024,
  framesPer10s: 100,
};

interface Joined {
  generation: number;
  /** Last seq sent on this socket. */
  seq: number;
}

export interface SocketLog {
  warn(obj: object, msg: string): void;
}

export class ChatSocket implements HubSubscriber {
  private readonly joined = new Map<string, Joined>();
  private unsubscribe: (() => void) | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private windowStart = Date.now();
  private framesInWindow = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly chatId: string,
    private readonly sender: Sender,
    private readonly deps: {
      hub: ChatHub;
      messages: MessageService;
      limits?: SocketLimits;
      log?: SocketLog;
      /**
       * Whether the session that opened the socket still lives. Checked before every send, stop
       * and resume, and every `sessionCheckMs`: a signed-out (or "everywhere") session's socket is
       * closed with 4401 rather than living on until the page closes it.
       */
      sessionLive?: () => Promise<boolean>;
    },
  ) {}

  private sessionTimer: ReturnType<typeof setInterval> | null = null;

  private get limits(): SocketLimits {
    return this.deps.limits ?? defaultSocketLimits;
  }

  start(): void {
    this.socket.on('message', (data, isBinary) => this.onFrame(data as Buffer, isBinary));
    this.socket.on('close', () => this.stop());
    this.socket.on('error', () => this.stop());
    this.unsubscribe = this.deps.hub.subscribe(this.chatId, this);
    this.send({ type: 'ready', chatId: this.chatId, active: this.deps.hub.active(this.chatId) });
    if (this.deps.sessionLive) {
      this.sessionTimer = setInterval(() => void this.sessionEnded(), this.limits.sessionCheckMs ?? 60_000);
      this.sessionTimer.unref();
    }
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = null;
    if (this.sessionTimer) clearInterval(this.sessionTimer);
    this.sessionTimer = null;
  }

  /** True (and the socket closed with 4401) when the session that opened it has ended. */
  private async sessionEnded(): Promise<boolean> {
    if (!this.deps.sessionLive) return false;
    let live: boolean;
    try {
      live = await this.deps.sessionLive();
    } catch {
      return false; // storage hiccup: keep the socket; the next check decides
    }
    if (live) return false;
    this.stop();
    this.socket.close(WsCloseCode.unauthorized, 'session ended');
    return true;
  }

  // ------------------------------------------------------------------- hub → socket

  event(event: WsServerEvent): void {
    if (event.type === 'message.created' && event.message.role === 'assistant' && event.message.status === 'pending') {
      const stream = this.deps.hub.stream(event.message.id);
      this.joined.set(event.message.id, { generation: stream?.generation ?? 0, seq: -1 });
    }
    this.send(event);
    if (event.type === 'message.completed' || event.type === 'message.failed') this.joined.delete(event.message.id);
    if (event.type === 'chat.deleted') {
      this.stop();
      this.socket.close(WsCloseCode.chatDeleted, 'chat deleted');
    }
  }

  tokens(stream: TokenStream): void {
    this.flush(stream, stream.done);
  }

  /** Send what this socket still owes of `stream`; `force` ignores backpressure (the end, a resume). */
  private flush(stream: TokenStream, force: boolean): void {
    let j = this.joined.get(stream.messageId);
    if (!j) return;
    if (j.generation !== stream.generation) {
      // A retry restarted this message: follow the new generation from its start.
      j = { generation: stream.generation, seq: -1 };
      this.joined.set(stream.messageId, j);
    }
    const last = stream.chunks.length - 1;
    if (last <= j.seq) return;
    if (!force && this.socket.bufferedAmount > this.limits.highWaterBytes) {
      this.lagging();
      return;
    }
    const text = j.seq === last - 1 ? stream.chunks[last]! : stream.chunks.slice(j.seq + 1).join('');
    j.seq = last;
    this.send({ type: 'token', messageId: stream.messageId, seq: last, text });
  }

  private lagging(): void {
    if (this.socket.bufferedAmount > this.limits.hardLimitBytes) {
      this.deps.log?.warn(
        { chatId: this.chatId, buffered: this.socket.bufferedAmount },
        'closing a WebSocket that does not read',
      );
      this.stop();
      this.socket.close(WsCloseCode.tooSlow, 'too slow: reconnect and resume');
      return;
    }
    if (this.drainTimer) return;
    this.drainTimer = setInterval(() => {
      if (this.socket.bufferedAmount > this.limits.highWaterBytes / 2) {
        if (this.socket.bufferedAmount > this.limits.hardLimitBytes) this.lagging();
        return;
      }
      clearInterval(this.drainTimer!);
      this.drainTimer = null;
      for (const id of [...this.joined.keys()]) {
        const s = this.deps.hub.stream(id);
        if (s) this.flush(s, false);
      }
    }, 10);
    this.drainTimer.unref();
  }

  private send(event: WsServerEvent): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(event));
  }

  // ------------------------------------------------------------------- socket → server

  private onFrame(data: Buffer, isBinary: boolean): void {
    const now = Date.now();
    if (now - this.windowStart > 10_000) {
      this.windowStart = now;
      this.framesInWindow = 0;
    }
    if (++this.framesInWindow > this.limits.framesPer10s) {
      this.error(ProblemType.rateLimited, 'Too many frames; slow down.');
      return;
    }
    if (isBinary) {
      this.error(ProblemType.unsupportedMediaType, 'Send JSON text frames.');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      this.error(ProblemType.malformedJson, 'The frame is not valid JSON.');
      return;
    }
    const parsed = wsClientFrameSchema.safeParse(json);
    if (!parsed.success) {
      this.send({
        type: 'error',
        error: {
          type: ProblemType.validation,
          detail: 'The frame is not valid.',
          errors: parsed.error.issues.map((i) => ({
            path: ['frame', ...i.path.map(String)].join('.'),
            message: i.message,
          })),
        },
      });
      return;
    }
    void this.handle(parsed.data);
  }

  private async handle(frame: WsClientFrame): Promise<void> {
    if (frame.type !== 'ping' && (await this.sessionEnded())) return;
    switch (frame.type) {
      case 'ping':
        this.send({ type: 'pong' });
        return;
      case 'send':
        try {
          const s = await this.deps.messages.submit(this.sender, {
            chatId: this.chatId,
            content: frame.content,
            clientId: frame.clientId,
          });
          if (s.duplicate) {
            // A repeated send (e.g. after a reconnect): show the pair and follow the reply.
            this.send({ type: 'message.created', message: presentMessage(s.user) });
            await this.resume(s.assistant.id, -1);
          }
        } catch (err) {
          this.fail(err, { clientId: frame.clientId });
        }
        return;
      case 'stop':
        try {
          await this.deps.messages.stop(this.sender, frame.messageId);
        } catch (err) {
          this.fail(err, { messageId: frame.messageId });
        }
        return;
      case 'resume':
        try {
          await this.resume(frame.messageId, frame.afterSeq);
        } catch (err) {
          this.fail(err, { messageId: frame.messageId });
        }
        return;
    }
  }

  /** Tokens of `messageId` after `afterSeq`, then its end when it has ended. */
  private async resume(messageId: string, afterSeq: number): Promise<void> {
    const stream = this.deps.hub.stream(messageId);
    if (stream && stream.chatId === this.chatId) {
      this.joined.set(messageId, { generation: stream.generation, seq: Math.min(afterSeq, stream.chunks.length - 1) });
      this.flush(stream, true);
      if (stream.done && stream.final) {
        this.send(stream.final);
        this.joined.delete(messageId);
      }
      return;
    }
    // Not in memory (ended a while ago, or another instance): the stored message is the answer.
    const { message } = await this.deps.messages.lookup(this.sender, messageId);
    if (message.chatId !== this.chatId) throw new AppError(ProblemType.notFound, 404, 'No such message in this chat.');
    const m = presentMessage(message);
    if (m.status === 'failed') this.send({ type: 'message.failed', message: m });
    else if (m.status === 'complete' || m.status === 'stopped') this.send({ type: 'message.completed', message: m });
    else this.send({ type: 'message.created', message: m });
  }

  private fail(err: unknown, about: { clientId?: string; messageId?: string }): void {
    if (err instanceof AppError) {
      this.send({ type: 'error', error: { type: err.type, detail: err.message }, ...about });
    } else if (err instanceof StorageUnavailableError) {
      // Nothing was decided: the client keeps the frame and sends it again (same clientId) later.
      this.deps.log?.warn({ err, chatId: this.chatId }, 'WebSocket frame failed: storage unavailable');
      this.send({
        type: 'error',
        error: { type: ProblemType.serviceUnavailable, detail: 'The service is temporarily unavailable; try again.' },
        ...about,
      });
    } else {
      this.deps.log?.warn({ err, chatId: this.chatId }, 'WebSocket frame failed');
      this.send({
        type: 'error',
        error: { type: ProblemType.internal, detail: 'Something went wrong on our side.' },
        ...about,
      });
    }
  }

  private error(type: ProblemTypeId, detail: string): void {
    this.send({ type: 'error', error: { type, detail } });
  }
}
