/** Prometheus metrics at /metrics: process defaults plus request duration by route and status. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

export default fp(
  async function metrics(app: FastifyInstance) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'medichat_' });
    const duration = new Histogram({
      name: 'medichat_http_request_duration_seconds',
      help: 'HTTP request duration by route, method and status code',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const errors = new Counter({
      name: 'medichat_http_errors_total',
      help: 'Responses with status >= 500',
      labelNames: ['route'] as const,
      registers: [registry],
    });
    app.decorate('metrics', registry);
    app.addHook('onResponse', async (request, reply) => {
      // Label by route pattern, never by raw URL (ids would explode the series count).
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      if (reply.statusCode >= 500) errors.inc({ route });
    });
    app.get('/metrics', { config: { rateLimit: false }, schema: { hide: true } }, async (_req, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
