/**
 * Conversations over HTTP. Every route answers a chat of another principal exactly like a chat that
 * does not exist (404). `GET /api/chats/:chatId` with `Accept: text/event-stream` is a live
 * Server-Sent Events stream of the chat's changes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  chatListQuerySchema,
  chatListSchema,
  chatParamsSchema,
  chatSchema,
  createChatSchema,
  createdChatSchema,
  messagesPageSchema,
  messagesQuerySchema,
  problemSchema,
  type Chat,
  type WsServerEvent,
} from '@medichat/shared';
import { ensurePrincipal, getPrincipal, requireUserOrGuest } from '../auth/auth.plugin.js';
import type { ChatHub } from './chat-hub.js';
import { presentChat } from './chat.presenter.js';

const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema };
/** Events an SSE client gets: everything but tokens (those are the WebSocket's). */
const SSE_EVENTS = new Set<WsServerEvent['type']>([
  'message.created',
  'message.completed',
  'message.failed',
  'model.progress',
  'chat.updated',
  'chat.deleted',
]);
const SSE_HEARTBEAT_MS = 15_000;

export const chatRoutes: FastifyPluginAsyncZod = async (app) => {
  // Open event streams end when the server closes (they would hold `close()` open otherwise).
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.post(
    '/api/chats',
    {
      preHandler: ensurePrincipal,
      schema: {
        tags: ['chats'],
        summary: 'Create a chat, or resume one (`chatId`); without a token a guest session is created',
        body: createChatSchema,
        response: { 200: createdChatSchema, 201: createdChatSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { chat, created } = await app.chat.chats.createOrResume(getPrincipal(request), request.body);
      return reply
        .code(created ? 201 : 200)
        .send({ chat, ...(request.guestToken ? { guestToken: request.guestToken } : {}) });
    },
  );

  app.get(
    '/api/chats',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['chats'],
        summary: 'Your chats, newest activity first (cursor-paginated)',
        querystring: chatListQuerySchema,
        response: { 200: chatListSchema, ...errors },
      },
    },
    async (request) => app.chat.chats.list(getPrincipal(request).id, request.query),
  );

  app.get(
    '/api/chats/:chatId',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['chats'],
        summary: 'Chat metadata; with `Accept: text/event-stream`, a live stream of its changes',
        params: chatParamsSchema,
        response: { 200: chatSchema, ...errors },
      },
    },
    async (request, reply) => {
      const chat = await app.chat.chats.getOwned(getPrincipal(request).id, request.params.chatId);
      if (wantsEventStream(request)) return streamChat(request, reply, app.chat.hub, presentChat(chat), streams);
      return presentChat(chat);
    },
  );

  app.delete(
    '/api/chats/:chatId',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['chats'],
        summary: 'Delete a chat and its messages (running replies are stopped)',
        params: chatParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...errors },
      },
    },
    async (request, reply) => {
      await app.chat.chats.delete(getPrincipal(request).id, request.params.chatId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/chats/:chatId/messages',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['chats'],
        summary: 'Messages of a chat, oldest first in each page; `before`/`after` cursors for infinite scroll',
        params: chatParamsSchema,
        querystring: messagesQuerySchema,
        response: { 200: messagesPageSchema, ...errors },
      },
    },
    async (request) => app.chat.chats.messages(getPrincipal(request).id, request.params.chatId, request.query),
  );
};

function wantsEventStream(request: FastifyRequest): boolean {
  return String(request.headers.accept ?? '').includes('text/event-stream');
}

/** Server-Sent Events: `chat` first, then every change; a comment line every 15 s keeps proxies open. */
function streamChat(
  request: FastifyRequest,
  reply: FastifyReply,
  hub: ChatHub,
  chat: Chat,
  open: Set<() => void>,
): void {
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
  const unsubscribe = hub.subscribe(chat.id, {
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
  function end() {
    open.delete(end);
    clearInterval(heartbeat);
    unsubscribe();
    if (!res.writableEnded) res.end();
  }
  open.add(end);
  request.raw.on('close', end);
  res.on('close', end);
}
