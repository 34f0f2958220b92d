/**
 * `WS /ws/chats/:chatId`. Token and ownership are checked in `preValidation`, i.e. before the
 * upgrade is accepted; a refused socket is then opened only to be closed at once with 4401 or
 * 4404 (a browser cannot read the status of a refused upgrade, but it can read a close code).
 * Nothing of the chat is sent on a refused socket. Protocol: `chat.socket.ts`.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { chatParamsSchema, WsCloseCode } from '@medichat/shared';
import { requireUserOrGuest } from '../../plugins/app/auth.js';
import { senderOf } from './message.routes.js';
import { ChatSocket, type SocketLimits } from './chat.socket.js';

export const chatSocketRoutes: FastifyPluginAsync<{ limits?: SocketLimits }> = async (app, opts) => {
  const { chats, messages, hub, sessions } = app.services;
  const refused = new WeakMap<FastifyRequest, { code: number; reason: string }>();

  app.get(
    '/ws/chats/:chatId',
    {
      websocket: true,
      preValidation: async (request) => {
        try {
          await requireUserOrGuest(request);
        } catch {
          refused.set(request, { code: WsCloseCode.unauthorized, reason: 'unauthorized' });
          return;
        }
        const params = chatParamsSchema.safeParse(request.params);
        const owner = request.principal!.id;
        const chat = params.success ? await chats.getOwned(owner, params.data.chatId).catch(() => null) : null;
        if (!chat) refused.set(request, { code: WsCloseCode.notFound, reason: 'no such chat' });
      },
    },
    (socket, request) => {
      const refusal = refused.get(request);
      if (refusal) {
        socket.close(refusal.code, refusal.reason);
        return;
      }
      const { chatId } = request.params as { chatId: string };
      const sender = senderOf(request);
      new ChatSocket(socket, chatId, sender, {
        hub,
        messages,
        limits: opts.limits,
        log: request.log,
        sessionLive: () => sessions.isSessionLive(sender),
      }).start();
    },
  );
};
