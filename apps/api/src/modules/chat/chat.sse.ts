/**
 * Server-Sent Events for a chat (`GET /api/chats/:chatId` with `Accept: text/event-stream`): the
 * `chat` first, then every change the hub publishes except tokens (those are the WebSocket's), and
 * a comment line every 15 s that keeps proxies from closing an idle stream. A deleted chat ends its
 * streams; so does the server closing (`endAll`, or `close()` would wait for them).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Chat, WsServerEvent } from '@medichat/shared';
import type { ChatHub } from './chat-hub.js';

/** Events an SSE client gets: everything but tokens. */
const SSE_EVENTS = new Set<WsServerEvent['type']>([
  'message.created',
  'message.completed',
  'message.failed',
  'model.progress',
  'chat.updated',
  'chat.deleted',
]);
const SSE_HEARTBEAT_MS = 15_000;

export function wantsEventStream(request: FastifyRequest): boolean {
  return String(request.headers.accept ?? '').includes('text/event-stream');
}

export class ChatEventStreams {
  private readonly ends = new Set<() => void>();

  constructor(private readonly hub: Pick<ChatHub, 'subscribe'>) {}

  /** End every open stream (server shutdown). */
  endAll(): void {
    for (const end of [...this.ends]) end();
  }

  /** Take over the response and stream `chat`'s changes until the client leaves or the chat goes. */
  open(request: FastifyRequest, reply: FastifyReply, chat: Chat): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    const write = (event: string, data: unknown) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    write('chat', chat);
    const unsubscribe = this.hub.subscribe(chat.id, {
      event(e) {
        if (!SSE_EVENTS.has(e.type)) return;
        write(e.type, e);
        if (e.type === 'chat.deleted') end();
      },
      tokens() {},
    });
    const heartbeat = setInterval(() => {
      if (!res.writableEnded) res.write(': ping\n\n');
    }, SSE_HEARTBEAT_MS);
    heartbeat.unref();
    const end = () => {
      this.ends.delete(end);
      clearInterval(heartbeat);
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    this.ends.add(end);
    request.raw.on('close', end);
    res.on('close', end);
  }
}
