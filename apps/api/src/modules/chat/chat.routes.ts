/**
 * Conversations over HTTP. Every route answers a chat of another principal exactly like a chat that
 * does not exist (404). `GET /api/chats/:chatId` with `Accept: text/event-stream` is a live
 * Server-Sent Events stream of the chat's changes (the transport is `chat.sse.ts`).
 */
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
} from '@medichat/shared';
import { ensurePrincipal, getPrincipal, requireUserOrGuest } from '../../plugins/app/auth.js';
import { presentChat } from './chat.presenter.js';
import { ChatEventStreams, wantsEventStream } from './chat.sse.js';

const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema };

export const chatRoutes: FastifyPluginAsyncZod = async (app) => {
  const { chats, hub } = app.services;
  // Open event streams end when the server closes (they would hold `close()` open otherwise).
  const streams = new ChatEventStreams(hub);
  app.addHook('preClose', async () => streams.endAll());

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
      const { chat, created } = await chats.createOrResume(getPrincipal(request), request.body);
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
    async (request) => chats.list(getPrincipal(request).id, request.query),
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
      const chat = await chats.getOwned(getPrincipal(request).id, request.params.chatId);
      if (wantsEventStream(request)) return streams.open(request, reply, presentChat(chat));
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
      await chats.delete(getPrincipal(request).id, request.params.chatId);
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
    async (request) => chats.messages(getPrincipal(request).id, request.params.chatId, request.query),
  );
};
