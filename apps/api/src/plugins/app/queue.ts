/**
 * The job queue of the API process (docs/jobs.md). Without REDIS_URL: the in-process engine, and
 * the API runs every handler itself (the embedded default). With REDIS_URL: a BullMQ producer
 * only; `npm run worker` processes run the handlers. Either way the repeatable jobs (the sweeper
 * of expired sessions and guest chats) are scheduled here, idempotently, and the registry check
 * (every job name has exactly one handler) runs at boot.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import { openQueue, type QueuePort } from '../../engines/queue/index.js';
import { createJobRegistry, scheduleJobs } from '../../jobs/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    queue: QueuePort;
  }
}

export default fp(
  async function queue(app: FastifyInstance, opts: { config: Config }) {
    const { config } = opts;
    const registry = createJobRegistry({
      storage: app.storage,
      logger: app.log,
      news: () => (app.hasDecorator('services') ? app.services.news : undefined),
      sensors: () => (app.hasDecorator('services') ? app.services.sensors : undefined),
      models: () => (app.hasDecorator('services') ? app.services.models : undefined),
      fineTune: () => (app.hasDecorator('services') ? app.services.fineTune : undefined),
    });
    const q = await openQueue({
      redisUrl: config.redisUrl,
      prefix: config.queue.prefix,
      registry,
      role: 'producer',
      concurrency: config.queue.concurrency,
      lockDurationMs: config.queue.lockDurationMs,
      logger: app.log,
    });
    app.decorate('queue', q);
    // Scheduled once the app is ready: the first runs (at once) find the services built.
    app.addHook('onReady', async () => {
      await scheduleJobs(q, config);
    });
    // Registered after storage, so this runs before storage closes: active jobs finish first.
    app.addHook('onClose', async () => {
      await q.close(config.shutdownTimeoutMs);
    });
  },
  { name: 'queue', dependencies: ['storage'] },
);
