/**
 * Voice: `POST /api/messages/voice` (multipart: `audio` file, optional `chatId` and `clientId`
 * fields; JWT or guest, as `POST /api/messages`), `POST /api/messages/:id/speech` (the message
 * read aloud, `audio/wav`), and `GET /api/speech` (what the server can do). Each voice turn's
 * stage latencies go to `/metrics` as `medichat_voice_stage_seconds{stage}`.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Histogram } from 'prom-client';
import {
  clientIdSchema,
  idSchema,
  messageParamsSchema,
  problemSchema,
  speechCapabilitiesSchema,
  voiceReplySchema,
  type VoiceReply,
} from '@medichat/shared';
import type { Config } from '../../config/config.js';
import { badRequest } from '../../lib/errors.js';
import { requireUserOrGuest } from '../../plugins/app/auth.js';
import { presentMessage } from './chat.presenter.js';
import { errors as messageErrors, senderOf } from './message.routes.js';

const errors = { ...messageErrors, 413: problemSchema, 422: problemSchema };

export const voiceRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  const { voice } = app.services;
  const maxBytes = config.speech.maxUploadBytes;
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 5, fieldSize: 200 } });
  const stages = new Histogram({
    name: 'medichat_voice_stage_seconds',
    help: 'Voice turns: seconds from the end of the upload to the end of each stage',
    labelNames: ['stage'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30],
    registers: [app.metrics],
  });

  app.get(
    '/api/speech',
    {
      schema: {
        tags: ['messages'],
        summary: 'What the server can do with speech',
        response: { 200: speechCapabilitiesSchema },
      },
    },
    async () => ({
      transcribe: voice.canTranscribe,
      speak: voice.canSpeak,
      maxSeconds: config.speech.maxSeconds,
      maxBytes,
    }),
  );

  app.post(
    '/api/messages/voice',
    {
      preHandler: requireUserOrGuest,
      bodyLimit: maxBytes + 64 * 1024,
      schema: {
        tags: ['messages'],
        summary: 'Send a voice message: transcribed, answered like a typed one, and the reply spoken',
        consumes: ['multipart/form-data'],
        response: { 200: voiceReplySchema, ...errors },
      },
    },
    async (request): Promise<VoiceReply> => {
      if (!request.isMultipart()) throw badRequest('Send the recording as multipart/form-data, field "audio".');
      const fields: Record<string, string> = {};
      let audio: { data: Buffer; mimeType: string } | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'audio') throw badRequest('The recording goes in the field "audio".');
          audio = { data: await part.toBuffer(), mimeType: part.mimetype || 'application/octet-stream' };
        } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      }
      const t0 = performance.now();
      if (!audio || audio.data.length === 0) throw badRequest('Send the recording in a multipart field named "audio".');
      const chatId = fields.chatId === undefined ? undefined : idSchema.safeParse(fields.chatId);
      if (chatId && !chatId.success) throw badRequest('chatId is not a valid id.');
      const clientId = fields.clientId;
      if (clientId !== undefined && !clientIdSchema.safeParse(clientId).success)
        throw badRequest('clientId is not valid.');
      const turn = await voice.ask(senderOf(request), {
        ...(chatId?.data ? { chatId: chatId.data } : {}),
        ...(clientId ? { clientId } : {}),
        audio: audio.data,
        mimeType: audio.mimeType,
        t0,
      });
      const t = turn.timings;
      stages.observe({ stage: 'transcode' }, t.transcodeMs / 1000);
      stages.observe({ stage: 'stt' }, (t.transcodeMs + t.sttMs) / 1000);
      if (t.firstTokenMs !== null)
        stages.observe({ stage: 'first_token' }, (t.transcodeMs + t.sttMs + t.firstTokenMs) / 1000);
      if (t.firstAudioMs !== null) stages.observe({ stage: 'first_audio' }, t.firstAudioMs / 1000);
      stages.observe({ stage: 'total' }, t.totalMs / 1000);
      return {
        ...presentMessage(turn.reply),
        userMessage: presentMessage(turn.submission.user),
        transcript: turn.transcript,
        audio: turn.audio
          ? {
              mimeType: turn.audio.mimeType,
              base64: turn.audio.audio.toString('base64'),
              durationSeconds: turn.audio.durationSeconds,
            }
          : null,
        voiceTimings: turn.timings,
      };
    },
  );

  app.post(
    '/api/messages/:id/speech',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['messages'],
        summary: 'The message read aloud (audio/wav); 503 when the server has no TTS engine',
        params: messageParamsSchema,
      },
    },
    async (request, reply) => {
      const spoken = await voice.speak(senderOf(request), request.params.id);
      reply.header('cache-control', 'no-store');
      return reply.type(spoken.mimeType).send(spoken.audio);
    },
  );
};
