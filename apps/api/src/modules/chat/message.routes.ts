/**
 * Sending over HTTP: `POST /api/messages` stores the message, generates the reply (streamed to the
 * chat's WebSocket subscribers meanwhile) and answers with the stored reply and the stored user
 * message. A repeated send with the same `clientId` answers the same pair. `retry` regenerates a
 * failed or stopped reply in place; `stop` stops one (keeping what was generated).
 *
 * Status: 200 whenever the exchange is stored, whatever the reply's `status` (`complete`,
 * `stopped`, `failed` with `error`). Only when no model is configured at all AND triage did not
 * answer is it a 503 `model_unavailable` (the user message and the failed reply are stored).
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  messageParamsSchema,
  messageSchema,
  problemSchema,
  ProblemType,
  sendMessageSchema,
  sentMessageSchema,
  type SentMessage,
} from '@medichat/shared';
import { getPrincipal, requireUserOrGuest } from '../../plugins/app/auth.js';
import { presentMessage } from './chat.presenter.js';
import { modelUnavailable } from '../models/model.service.js';
import type { Sender, Submission } from './message.service.js';

export const errors = {
  400: problemSchema,
  401: problemSchema,
  404: problemSchema,
  409: problemSchema,
  429: problemSchema,
  503: problemSchema,
};

export function senderOf(request: FastifyRequest): Sender {
  const p = getPrincipal(request);
  return { id: p.id, kind: p.kind, sessionId: p.sessionId, userId: p.userId, role: p.role };
}

async function settle(s: Submission): Promise<SentMessage> {
  const reply = await s.done;
  if (reply.error === ProblemType.modelUnavailable && !reply.triage) throw modelUnavailable();
  return { ...presentMessage(reply), userMessage: presentMessage(s.user) };
}

export const messageRoutes: FastifyPluginAsyncZod = async (app) => {
  const { messages } = app.services;
  app.post(
    '/api/messages',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['messages'],
        summary: 'Send a message; answers the stored reply (idempotent on clientId)',
        body: sendMessageSchema,
        response: { 200: sentMessageSchema, ...errors },
      },
    },
    async (request) => settle(await messages.submit(senderOf(request), request.body)),
  );

  app.post(
    '/api/messages/:id/retry',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['messages'],
        summary: 'Regenerate a failed or stopped reply (the id of the reply, or of the message it answers)',
        params: messageParamsSchema,
        response: { 200: sentMessageSchema, ...errors },
      },
    },
    async (request) => settle(await messages.retry(senderOf(request), request.params.id)),
  );

  app.post(
    '/api/messages/:id/stop',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['messages'],
        summary: 'Stop a reply being generated; what it generated is kept (status `stopped`)',
        params: messageParamsSchema,
        response: { 200: messageSchema, ...errors },
      },
    },
    async (request) => presentMessage(await messages.stop(senderOf(request), request.params.id)),
  );
};
