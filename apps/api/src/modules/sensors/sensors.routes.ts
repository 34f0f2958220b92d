/**
 * `POST /api/sensors` (a batch of readings), `GET /api/sensors` (raw pages or server-side buckets),
 * `DELETE /api/sensors?source=` (one source's readings). Signed-in users only; each sees only their own.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  readingsBatchSchema,
  readingsDeleteQuerySchema,
  readingsIngestResultSchema,
  readingsPageSchema,
  readingsQuerySchema,
} from '@medichat/shared';
import { currentUserId, requireUser } from '../../plugins/app/auth.js';

/** A full batch (5000 readings) of verbose JSON fits; larger bodies are a 413. */
const BATCH_BODY_LIMIT = 2 * 1024 * 1024;

export const sensorRoutes: FastifyPluginAsyncZod = async (app) => {
  const { sensors } = app.services;

  app.post(
    '/api/sensors',
    {
      preHandler: requireUser,
      bodyLimit: BATCH_BODY_LIMIT,
      schema: {
        tags: ['sensors'],
        summary: 'Store a batch of readings (all or nothing; repeats of stored readings are skipped and counted)',
        body: readingsBatchSchema,
        response: { 200: readingsIngestResultSchema },
      },
    },
    async (request) => app.services.sensors.ingest(currentUserId(request), request.body.readings),
  );

  app.get(
    '/api/sensors',
    {
      preHandler: requireUser,
      schema: {
        tags: ['sensors'],
        summary: 'Readings in a time range: raw (cursor pages) or downsampled to min/mean/max per bucket',
        querystring: readingsQuerySchema,
        response: { 200: readingsPageSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return sensors.query(currentUserId(request), request.query);
    },
  );

  app.delete(
    '/api/sensors',
    {
      preHandler: requireUser,
      schema: {
        tags: ['sensors'],
        summary: "Delete every reading of one source (e.g. 'apple-health')",
        querystring: readingsDeleteQuerySchema,
        response: { 200: z.object({ deleted: z.number().int() }) },
      },
    },
    async (request) => ({ deleted: await sensors.deleteSource(currentUserId(request), request.query.source) }),
  );
};
