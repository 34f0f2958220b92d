import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthSchema, publicConfigSchema, readySchema } from '@medichat/shared';
import type { Config } from '../../config/config.js';

const startedAt = Date.now();

export const healthRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  app.get(
    '/api/health',
    {
      config: { rateLimit: false },
      schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: healthSchema } },
    },
    async () => ({
      status: 'ok' as const,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      version: config.version,
    }),
  );

  app.get(
    '/api/config',
    {
      schema: {
        tags: ['health'],
        summary: 'Public server settings the web app needs at run time (nothing secret)',
        response: { 200: publicConfigSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return {
        emergencyNumber: config.emergencyNumber,
        avatarMaxBytes: config.avatarMaxBytes,
        version: config.version,
      };
    },
  );

  app.get(
    '/api/ready',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Readiness: storage answers',
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (_request, reply) => {
      const t0 = performance.now();
      let ok = true;
      try {
        await app.storage.engine.ping();
      } catch (err) {
        ok = false;
        app.log.warn({ err }, 'readiness: storage ping failed');
      }
      const body = {
        status: ok ? ('ready' as const) : ('unavailable' as const),
        storage: { engine: app.storage.engine.kind, ok, latencyMs: Math.round((performance.now() - t0) * 100) / 100 },
      };
      return reply.code(ok ? 200 : 503).send(body);
    },
  );
};
