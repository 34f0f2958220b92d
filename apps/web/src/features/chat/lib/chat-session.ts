/**
 * One open chat: its messages, the replies streaming into it, and the messages waiting to be sent.
 * A small external store (React reads it with `useSyncExternalStore`) driven by three sources:
 *
 * 1. IndexedDB (offline-store.ts): the cached history and the outbox, shown at once, offline too.
 * 2. HTTP pages (`GET /api/chats/:id/messages`): the newest page on open and after a reconnect,
 *    older pages on demand (infinite scroll up).
 * 3. The chat's WebSocket (`/ws/chats/:id`, protocol in `@medichat/shared` chat.ts): new
 *    messages, reply tokens, the final stored message, model load progress.
 *
 * Sending never goes straight to the network: a message is first put in the outbox with a
 * `clientId`, then sent over the socket in order, one at a time, and removed when the server echoes
 * it back stored (`message.created` with that clientId). Offline, it simply waits; a lost ack means
 * a resend, which the server answers with the same stored message (idempotent on clientId). A chat
 * made offline has a client-made id; the first sync creates it on the server under that id.
 *
 * Tokens: for every reply being generated the store keeps the seq of the last token it appended.
 * After a reconnect it sends `resume {messageId, afterSeq}` for each, so nothing is lost or doubled;
 * a reply it knows nothing of is resumed from -1 with its text cleared.
 */
import type { Chat, Message, ProblemTypeId, VoiceReply, WsServerEvent } from '@medichat/shared';
import { ApiError, NetworkError } from '@/lib/api-client';
import { backoffDelay, ReconnectingSocket, type SocketState } from '@/lib/ws-client';
import { createChat } from '../api/create-chat';
import { sendVoice } from '../api/voice';
import { getMessages } from '../api/get-messages';
import { retryMessage } from '../api/retry-message';
import { stopMessage } from '../api/stop-message';
import { chatToken, guestTokenChanged, recoverFromUnauthorized } from './chat-identity';
import {
  cacheChats,
  cachedChat,
  cachedMessages,
  cacheMessages,
  outboxFor,
  queueMessage,
  removeFromOutbox,
  updateOutbox,
  type OutboxEntry,
} from './offline-store';
import { mergeMessages, TERMINAL } from './merge-messages';
import { plainText } from './plain-text';
import { isTransientSendError, resendDelayMs } from './send-errors';

export type SendPhase = 'queued' | 'sending' | 'failed';

export interface PendingSend extends OutboxEntry {
  phase: SendPhase;
}

export interface ModelProgress {
  model: string;
  phase: 'download' | 'load' | 'ready';
  progress: number;
}

export interface QueuedReply {
  position: number;
  ahead: number;
  etaMs: number | null;
}

/** `local`: the chat is not on the server yet (nothing sent), so there is nothing to connect to. */
export type ConnectionState = SocketState | 'local';

export interface ChatViewState {
  chatId: string;
  /** `missing`: deleted, or not this person's (the server says 404). */
  status: 'loading' | 'ready' | 'missing';
  /** Stored (and streaming) messages, oldest first. */
  messages: Message[];
  /** Typed but not yet stored by the server, in order. */
  outbox: PendingSend[];
  /** Model loading, per reply waiting for it. */
  progress: Record<string, ModelProgress>;
  /** Replies waiting for a free model slot: place in the queue and estimated wait. */
  queued: Record<string, QueuedReply>;
  connection: ConnectionState;
  older: { hasMore: boolean; loading: boolean; error: string | null };
  /** For the polite live region: said once per reply, when it ends (never per token). */
  announcement: { id: number; text: string } | null;
  /** Something the person should know (a retry that could not start, an expired guest session). */
  notice: string | null;
}

export interface ChatSessionOptions {
  chatId: string;
  owner: string;
  /** The chat list says the server has it (so its history can be fetched at once). */
  knownOnServer: boolean;
  /** The chat changed on the server (created, renamed, new activity): refresh lists. */
  onChatChanged?: (chat: Chat | null) => void;
}

const ACK_TIMEOUT_MS = 20_000;
const PING_INTERVAL_MS = 25_000;

export function newClientId(): string {
  return crypto.randomUUID();
}

function errorText(err: unknown): string {
  if (err instanceof ApiError || err instanceof NetworkError) return err.message;
  return 'Something went wrong.';
}

export class ChatSession {
  private state: ChatViewState;
  private readonly listeners = new Set<() => void>();
  private socket: ReconnectingSocket | null = null;
  private onServer: boolean;
  private disposed = false;
  /** Last token seq appended, per reply being streamed. */
  private readonly seqs = new Map<string, number>();
  private inflight: string | null = null;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private syncTimer: ReturnType<typeof setTimeout> | null = null;
  private syncAttempt = 0;
  private ready = false;
  private connectedBefore = false;
  private olderCursor: string | null = null;
  private latestLoaded = false;
  private announceId = 0;
  private emitScheduled = false;
  private readonly onOnline = () => void this.sync();

  constructor(private readonly options: ChatSessionOptions) {
    this.onServer = options.knownOnServer;
    this.state = {
      chatId: options.chatId,
      status: 'loading',
      messages: [],
      outbox: [],
      progress: {},
      queued: {},
      connection: options.knownOnServer ? 'idle' : 'local',
      older: { hasMore: false, loading: false, error: null },
      announcement: null,
      notice: null,
    };
  }

  // -------------------------------------------------------------------------------- store API

  getState = (): ChatViewState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(update: Partial<ChatViewState>, options: { sync?: boolean } = {}): void {
    this.state = { ...this.state, ...update };
    if (options.sync) this.emit();
    else this.scheduleEmit();
  }

  private emit(): void {
    this.emitScheduled = false;
    for (const l of [...this.listeners]) l();
  }

  /** Token bursts re-render once per frame, not once per token. */
  private scheduleEmit(): void {
    if (this.emitScheduled) return;
    this.emitScheduled = true;
    if (
      typeof document !== 'undefined' &&
      document.visibilityState === 'visible' &&
      typeof requestAnimationFrame === 'function'
    ) {
      requestAnimationFrame(() => this.emit());
    } else {
      setTimeout(() => this.emit(), 50);
    }
  }

  // -------------------------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    window.addEventListener('online', this.onOnline);
    const { chatId, owner } = this.options;
    const [chat, cached, outbox] = await Promise.all([
      cachedChat(owner, chatId),
      cachedMessages(chatId),
      outboxFor(owner, chatId),
    ]);
    if (this.disposed) return;
    if ((chat && !chat.local) || this.options.knownOnServer) this.onServer = true;
    this.set(
      {
        status: 'ready',
        messages: mergeMessages(this.state.messages, cached),
        outbox: [
          ...outbox.map((e): PendingSend => ({ ...e, phase: e.error ? 'failed' : 'queued' })),
          ...this.state.outbox,
        ],
        connection: this.onServer ? this.state.connection : 'local',
      },
      { sync: true },
    );
    if (this.onServer) {
      this.openSocket();
      void this.loadLatest();
    } else if (outbox.length > 0) {
      void this.sync();
    }
  }

  /** The chat list learned the server has this chat (after the session started): load and connect. */
  markKnownOnServer(): void {
    if (this.onServer || this.disposed || this.state.status === 'loading') return;
    this.onServer = true;
    this.set({ connection: 'idle' });
    this.openSocket();
    void this.loadLatest();
  }

  dispose(): void {
    this.disposed = true;
    window.removeEventListener('online', this.onOnline);
    this.socket?.stop();
    this.socket = null;
    this.clearAck();
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.listeners.clear();
  }

  // ---------------------------------------------------------------------------------- actions

  /** Queue a message; it goes out as soon as the server can be reached. */
  async send(content: string): Promise<void> {
    const text = content.trim();
    if (!text || this.disposed) return;
    const entry: OutboxEntry = {
      clientId: newClientId(),
      chatId: this.options.chatId,
      owner: this.options.owner,
      content: text,
      createdAt: new Date().toISOString(),
      error: null,
    };
    this.set({ outbox: [...this.state.outbox, { ...entry, phase: 'queued' }], notice: null }, { sync: true });
    await queueMessage(entry);
    if (!this.onServer) {
      // Listed on this device (offline too) until the server has it.
      const now = entry.createdAt;
      const existing = await cachedChat(this.options.owner, this.options.chatId);
      if (!existing) {
        await cacheChats(
          this.options.owner,
          [{ id: this.options.chatId, title: text.slice(0, 80), modelId: null, createdAt: now, updatedAt: now }],
          { local: true },
        );
        this.options.onChatChanged?.(null);
      }
    }
    void this.sync();
  }

  /**
   * A voice message: make sure the chat is on the server (a new guest gets its session), send the
   * recording, and show the stored transcript and reply (the socket streams them meanwhile).
   * Returns the answer, with the spoken reply, for the caller to play.
   */
  async sendVoice(audio: Blob): Promise<VoiceReply> {
    if (!this.onServer) {
      const { chat, guestToken } = await createChat({ chatId: this.options.chatId });
      if (guestToken) guestTokenChanged();
      this.onServer = true;
      await cacheChats(this.options.owner, [chat]);
      this.options.onChatChanged?.(chat);
      this.set({ connection: 'idle' });
    }
    if (!this.socket) {
      this.openSocket();
      void this.loadLatest();
    }
    const answer = await sendVoice(this.options.chatId, audio, newClientId());
    if (!this.disposed) {
      const { userMessage, transcript: _t, audio: _a, voiceTimings: _v, ...reply } = answer;
      this.upsert(userMessage);
      this.applyFinal(reply);
    }
    return answer;
  }

  /** Stop the reply being generated; what it wrote so far is kept. */
  stop(messageId: string): void {
    if (this.socket?.send({ type: 'stop', messageId })) return;
    stopMessage(messageId)
      .then((m) => this.applyFinal(m))
      .catch((err: unknown) => this.set({ notice: `Could not stop the reply: ${errorText(err)}` }));
  }

  /** Regenerate a failed or stopped reply in place (it streams in again over the socket). */
  retry(messageId: string): void {
    const message = this.state.messages.find((m) => m.id === messageId);
    if (message) this.upsert({ ...message, status: 'pending', content: '', error: null });
    this.seqs.set(messageId, -1);
    retryMessage(messageId)
      .then((final) => this.applyFinal(final))
      .catch((err: unknown) => {
        if (message) this.upsert(message);
        this.seqs.delete(messageId);
        this.set({ notice: `Could not retry: ${errorText(err)}` });
      });
  }

  /** Try a message the server refused again (after the cause went away), or drop it. */
  resend(clientId: string): void {
    this.patchOutbox(clientId, { phase: 'queued', error: null });
    void updateOutbox(clientId, { error: null });
    void this.sync();
  }

  discard(clientId: string): void {
    this.set({ outbox: this.state.outbox.filter((e) => e.clientId !== clientId) });
    void removeFromOutbox(clientId);
  }

  dismissNotice(): void {
    this.set({ notice: null });
  }

  /** The page before the oldest loaded message. */
  async loadOlder(): Promise<void> {
    const { older } = this.state;
    if (!older.hasMore || older.loading || !this.olderCursor) return;
    this.set({ older: { ...older, loading: true, error: null } }, { sync: true });
    try {
      const page = await getMessages(this.options.chatId, { before: this.olderCursor });
      if (this.disposed) return;
      this.olderCursor = page.before;
      this.set({
        messages: mergeMessages(this.state.messages, page.items),
        older: { hasMore: page.hasMoreBefore && page.before !== null, loading: false, error: null },
      });
      void cacheMessages(this.options.chatId, page.items);
    } catch (err) {
      if (this.disposed) return;
      this.set({ older: { ...this.state.older, loading: false, error: errorText(err) } });
    }
  }

  // -------------------------------------------------------------------------------------- sync

  /** Make sure the chat exists on the server and the socket is up; then the outbox drains. */
  private async sync(): Promise<void> {
    if (this.disposed || (typeof navigator !== 'undefined' && navigator.onLine === false)) return;
    if (this.syncTimer) {
      clearTimeout(this.syncTimer);
      this.syncTimer = null;
    }
    if (!this.onServer) {
      if (this.state.outbox.every((e) => e.phase === 'failed')) return;
      try {
        const { chat, guestToken } = await createChat({ chatId: this.options.chatId });
        if (this.disposed) return;
        if (guestToken) guestTokenChanged();
        this.onServer = true;
        this.syncAttempt = 0;
        await cacheChats(this.options.owner, [chat]);
        this.options.onChatChanged?.(chat);
        this.set({ connection: 'idle' });
      } catch (err) {
        if (this.disposed) return;
        if (err instanceof ApiError && err.status === 404) {
          this.set({ status: 'missing' });
          return;
        }
        if (err instanceof ApiError && err.status < 500 && err.status !== 429 && err.status !== 408) {
          this.set({ notice: `Your messages could not be sent: ${err.message}` });
          return;
        }
        // Unreachable or busy: try again later, backing off (and at once when the browser is back online).
        this.syncTimer = setTimeout(() => void this.sync(), backoffDelay(this.syncAttempt++));
        return;
      }
    }
    if (!this.socket) {
      this.openSocket();
      void this.loadLatest();
    } else {
      this.socket.reconnectNow();
      this.pump();
    }
  }

  private openSocket(): void {
    if (this.socket || this.disposed) return;
    const chatId = this.options.chatId;
    this.socket = new ReconnectingSocket({
      url: () => {
        const token = chatToken();
        if (!token) return null;
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        return `${scheme}//${location.host}/ws/chats/${encodeURIComponent(chatId)}?token=${encodeURIComponent(token)}`;
      },
      onMessage: (data) => this.onEvent(data as WsServerEvent),
      onClose: (code) => this.onSocketClose(code),
      onStateChange: (connection) => {
        if (connection !== 'open') this.ready = false;
        this.set({ connection });
      },
      pingIntervalMs: PING_INTERVAL_MS,
      pingFrame: { type: 'ping' },
    });
    this.socket.start();
  }

  private onSocketClose(code: number): boolean {
    this.ready = false;
    if (this.inflight) {
      this.patchOutbox(this.inflight, { phase: 'queued' });
      this.inflight = null;
      this.clearAck();
    }
    if (code === 4404 || code === 4410) {
      this.set({ status: 'missing' });
      return false;
    }
    if (code === 4401) {
      void recoverFromUnauthorized().then((again) => {
        if (this.disposed) return;
        if (again) this.socket?.reconnectNow();
        else {
          this.socket?.stop();
          this.socket = null;
          this.set({
            connection: 'closed',
            notice: 'Your session has ended. Start a new chat to keep talking to the assistant.',
          });
        }
      });
      return true;
    }
    return true;
  }

  /** Send the next queued message, one at a time, each once the previous one is stored. */
  private pump(): void {
    if (this.inflight || !this.ready || !this.socket?.isOpen) return;
    const next = this.state.outbox.find((e) => e.phase === 'queued');
    if (!next) return;
    if (!this.socket.send({ type: 'send', content: next.content, clientId: next.clientId })) return;
    this.inflight = next.clientId;
    this.patchOutbox(next.clientId, { phase: 'sending' });
    this.ackTimer = setTimeout(() => {
      // No echo: assume the frame was lost; sending again is safe (same clientId).
      if (this.inflight !== next.clientId) return;
      this.inflight = null;
      this.patchOutbox(next.clientId, { phase: 'queued' });
      this.pump();
    }, ACK_TIMEOUT_MS);
  }

  private clearAck(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }

  private acknowledge(clientId: string): void {
    if (this.inflight === clientId) {
      this.inflight = null;
      this.clearAck();
    }
    if (this.state.outbox.some((e) => e.clientId === clientId)) {
      this.set({ outbox: this.state.outbox.filter((e) => e.clientId !== clientId) });
      void removeFromOutbox(clientId);
    }
    this.pump();
  }

  private patchOutbox(clientId: string, update: Partial<PendingSend>): void {
    this.set({ outbox: this.state.outbox.map((e) => (e.clientId === clientId ? { ...e, ...update } : e)) });
  }

  /** The server refused a send: back to the queue when transient (send-errors.ts), else failed for good. */
  private sendRefused(clientId: string, error: { type: ProblemTypeId; detail: string }): void {
    if (this.inflight === clientId) {
      this.inflight = null;
      this.clearAck();
    }
    if (isTransientSendError(error.type)) {
      this.patchOutbox(clientId, { phase: 'queued' });
      setTimeout(
        () => this.pump(),
        resendDelayMs(error.type, () => backoffDelay(this.syncAttempt++)),
      );
      return;
    }
    this.patchOutbox(clientId, { phase: 'failed', error });
    void updateOutbox(clientId, { error });
    this.pump();
  }

  // ----------------------------------------------------------------------------------- history

  /** The newest page: on open, and after a reconnect (to catch up on what happened meanwhile). */
  private async loadLatest(): Promise<void> {
    // Offline the cached history is all there is; the first `ready` after reconnecting loads it.
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return;
    try {
      const page = await getMessages(this.options.chatId);
      if (this.disposed) return;
      this.latestLoaded = true;
      const first = this.olderCursor === null;
      if (first) this.olderCursor = page.before;
      this.set({
        messages: mergeMessages(this.state.messages, page.items),
        older: first
          ? { hasMore: page.hasMoreBefore && page.before !== null, loading: false, error: null }
          : this.state.older,
      });
      void cacheMessages(
        this.options.chatId,
        page.items.filter((m) => TERMINAL.has(m.status)),
      );
    } catch (err) {
      if (this.disposed) return;
      if (err instanceof ApiError && err.status === 404) this.set({ status: 'missing' });
      // Offline or unreachable: the cached history stays on screen.
    }
  }

  // ---------------------------------------------------------------------------- socket events

  private onEvent(event: WsServerEvent): void {
    if (this.disposed) return;
    switch (event.type) {
      case 'ready':
        this.onReady(event.active);
        return;
      case 'message.created':
        this.onCreated(event.message);
        return;
      case 'token':
        this.onToken(event.messageId, event.seq, event.text);
        return;
      case 'message.completed':
      case 'message.failed':
        this.applyFinal(event.message);
        return;
      case 'model.progress': {
        const progress = { ...this.state.progress };
        if (event.phase === 'ready') delete progress[event.messageId];
        else progress[event.messageId] = { model: event.model, phase: event.phase, progress: event.progress };
        this.set({ progress });
        return;
      }
      case 'reply.queued': {
        const queued = { ...this.state.queued };
        if (event.position <= 0) delete queued[event.messageId];
        else queued[event.messageId] = { position: event.position, ahead: event.ahead, etaMs: event.etaMs };
        this.set({ queued });
        return;
      }
      case 'chat.updated':
        void cacheChats(this.options.owner, [event.chat]);
        this.options.onChatChanged?.(event.chat);
        return;
      case 'chat.deleted':
        this.set({ status: 'missing' });
        this.options.onChatChanged?.(null);
        return;
      case 'error':
        if (event.clientId) this.sendRefused(event.clientId, event.error);
        return;
      case 'pong':
        return;
    }
  }

  private onReady(active: Array<{ messageId: string; seq: number }>): void {
    this.ready = true;
    const activeIds = new Set(active.map((a) => a.messageId));
    // Follow every running generation, from where this store left it.
    for (const { messageId } of active) this.resume(messageId);
    // Replies that were running here but ended while the socket was down: fetch their end.
    for (const m of this.state.messages) {
      if (m.role === 'assistant' && !TERMINAL.has(m.status) && !activeIds.has(m.id)) this.resume(m.id);
    }
    if (this.connectedBefore || !this.latestLoaded) void this.loadLatest();
    this.connectedBefore = true;
    this.pump();
  }

  private resume(messageId: string): void {
    let afterSeq = this.seqs.get(messageId);
    if (afterSeq === undefined) {
      // Its text so far is unknown here: start it over from the first token.
      afterSeq = -1;
      this.seqs.set(messageId, -1);
      const known = this.state.messages.find((m) => m.id === messageId);
      if (known) this.upsert({ ...known, content: '' });
    }
    this.socket?.send({ type: 'resume', messageId, afterSeq });
  }

  private onCreated(message: Message): void {
    if (message.role === 'user' && message.clientId) {
      this.upsert(message);
      void cacheMessages(this.options.chatId, [message]);
      this.acknowledge(message.clientId);
      return;
    }
    if (message.role === 'assistant' && !TERMINAL.has(message.status)) {
      // A new reply, or one reset for a retry (same id): its tokens start from seq 0.
      this.seqs.set(message.id, -1);
    }
    this.upsert(message);
  }

  private onToken(messageId: string, seq: number, text: string): void {
    const last = this.seqs.get(messageId) ?? -1;
    if (seq <= last) return;
    if (this.state.queued[messageId]) {
      // It is writing: no longer waiting.
      const { [messageId]: _started, ...queued } = this.state.queued;
      this.set({ queued });
    }
    this.seqs.set(messageId, seq);
    const existing = this.state.messages.find((m) => m.id === messageId);
    const base: Message = existing ?? {
      // A reply followed after a repeated send: its `message.created` went to another socket.
      id: messageId,
      chatId: this.options.chatId,
      role: 'assistant',
      content: '',
      status: 'streaming',
      clientId: null,
      replyTo: null,
      model: null,
      timings: null,
      triage: null,
      error: null,
      safety: [],
      citations: [],
      truncated: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    this.upsert({ ...base, content: base.content + text, status: 'streaming' });
  }

  private applyFinal(message: Message): void {
    const before = this.state.messages.find((m) => m.id === message.id);
    const wasLive = this.seqs.has(message.id) || (before !== undefined && !TERMINAL.has(before.status));
    this.seqs.delete(message.id);
    const progress = { ...this.state.progress };
    delete progress[message.id];
    this.upsert(message, { progress });
    void cacheMessages(this.options.chatId, [message]);
    if (wasLive && message.role === 'assistant') this.announce(message);
    this.options.onChatChanged?.(null);
  }

  private announce(message: Message): void {
    const text = plainText(message.content);
    const said =
      message.status === 'failed'
        ? `The reply failed${message.error ? `: ${message.error.detail}` : '.'}${text ? ` Partial reply: ${text}` : ''}`
        : message.status === 'stopped'
          ? `Reply stopped.${text ? ` ${text}` : ''}`
          : `Medichat replied: ${text}`;
    this.set({ announcement: { id: ++this.announceId, text: said } });
  }

  private upsert(message: Message, extra: Partial<ChatViewState> = {}): void {
    this.set({ messages: mergeMessages(this.state.messages, [message], { force: true }), ...extra });
  }
}
