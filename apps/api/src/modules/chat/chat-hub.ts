/**
 * In-process pub/sub per chat, and the token buffer of each generation.
 *
 * - `publish(chatId, event)` hands an event to every subscriber of the chat (WebSockets, SSE).
 * - A generation's tokens go into its `TokenStream` (one array of text chunks, seq = index);
 *   subscribers are told that the stream grew and PULL what they have not sent yet. So a slow
 *   socket costs no memory of its own: it sends the missing chunks joined in one frame when it
 *   drains, and a reconnecting client resumes from any seq while the stream is kept.
 * - Streams are kept `retainMs` after they end, for `resume` after a reconnect; after that the
 *   stored message is the source.
 *
 * One process only: with several API instances behind a load balancer, a Redis pub/sub adapter
 * would carry `publish` and token appends between them (not built; see docs/decisions.md).
 */
import type { WsServerEvent } from '@medichat/shared';

export interface TokenStream {
  readonly chatId: string;
  readonly messageId: string;
  /** Text chunks in order; chunk i has seq i. */
  readonly chunks: string[];
  /** Bumped when a retry restarts the stream of the same message. */
  readonly generation: number;
  done: boolean;
  /** The final `message.completed` / `message.failed` event, once done. */
  final?: WsServerEvent;
}

export interface HubSubscriber {
  /** Any chat event except tokens. */
  event(event: WsServerEvent): void;
  /** `stream` has new chunks (or ended). */
  tokens(stream: TokenStream): void;
}

export class ChatHub {
  private readonly subscribers = new Map<string, Set<HubSubscriber>>();
  private readonly streams = new Map<string, TokenStream & { timer?: NodeJS.Timeout }>();
  private generations = 0;

  constructor(private readonly options: { retainMs?: number } = {}) {}

  subscribe(chatId: string, subscriber: HubSubscriber): () => void {
    let set = this.subscribers.get(chatId);
    if (!set) this.subscribers.set(chatId, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(chatId) === set) this.subscribers.delete(chatId);
    };
  }

  subscriberCount(chatId: string): number {
    return this.subscribers.get(chatId)?.size ?? 0;
  }

  publish(chatId: string, event: WsServerEvent): void {
    for (const s of [...(this.subscribers.get(chatId) ?? [])]) {
      try {
        s.event(event);
      } catch {
        // one subscriber's failure is its own
      }
    }
  }

  /** A new (or restarted) generation of `messageId`. */
  startStream(chatId: string, messageId: string): TokenStream {
    const old = this.streams.get(messageId);
    if (old?.timer) clearTimeout(old.timer);
    const stream = { chatId, messageId, chunks: [], generation: ++this.generations, done: false };
    this.streams.set(messageId, stream);
    return stream;
  }

  /** Append a chunk; returns its seq. */
  append(stream: TokenStream, text: string): number {
    stream.chunks.push(text);
    this.notify(stream);
    return stream.chunks.length - 1;
  }

  /** End the stream: subscribers flush what they still owe, then `final` is published to the chat. */
  end(stream: TokenStream, final: WsServerEvent): void {
    stream.done = true;
    stream.final = final;
    this.notify(stream);
    this.publish(stream.chatId, final);
    const kept = this.streams.get(stream.messageId);
    if (kept === stream) {
      kept.timer = setTimeout(() => {
        if (this.streams.get(stream.messageId) === kept) this.streams.delete(stream.messageId);
      }, this.options.retainMs ?? 60_000);
      kept.timer.unref();
    }
  }

  stream(messageId: string): TokenStream | undefined {
    return this.streams.get(messageId);
  }

  /** Generations running in a chat: message id and last seq. */
  active(chatId: string): Array<{ messageId: string; seq: number }> {
    const out: Array<{ messageId: string; seq: number }> = [];
    for (const s of this.streams.values()) {
      if (s.chatId === chatId && !s.done) out.push({ messageId: s.messageId, seq: s.chunks.length - 1 });
    }
    return out;
  }

  /** Drop the kept streams of a deleted chat. */
  forgetChat(chatId: string): void {
    for (const [id, s] of this.streams) {
      if (s.chatId === chatId) {
        if (s.timer) clearTimeout(s.timer);
        this.streams.delete(id);
      }
    }
  }

  close(): void {
    for (const s of this.streams.values()) if (s.timer) clearTimeout(s.timer);
    this.streams.clear();
    this.subscribers.clear();
  }

  private notify(stream: TokenStream): void {
    for (const s of [...(this.subscribers.get(stream.chatId) ?? [])]) {
      try {
        s.tokens(stream);
      } catch {
        // one subscriber's failure is its own
      }
    }
  }
}
