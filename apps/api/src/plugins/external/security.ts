/**
 * helmet (with a CSP that fits the SPA), CORS allowlist, rate limiting (in memory, or Redis when
 * REDIS_URL is set so that every API instance shares one budget).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cors from '@fastify/cors';
import helmet, { type HelmetOptions } from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { ProblemType } from '@medichat/shared';
import type { Config } from '../../config/config.js';

/** sha256 sources for the inline scripts of the built index.html (the no-flash theme script). */
function inlineScriptHashes(webDistDir: string): string[] {
  const index = join(webDistDir, 'index.html');
  if (!existsSync(index)) return [];
  const html = readFileSync(index, 'utf8');
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    if (m[1]) hashes.push(`'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
  }
  return hashes;
}

/** Run helmet once against a recording response and keep the headers it sets. */
export function computeHelmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as never, res as never, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return headers;
}

export default fp(
  async function security(app: FastifyInstance, opts: { config: Config }) {
    const { config } = opts;
    // helmet decides the headers; they are the same for every response, so compute them once at
    // boot and set them with one hook (running helmet per request doubled the cost of a small route).
    const securityHeaders = computeHelmetHeaders({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", ...inlineScriptHashes(config.webDistDir)],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:', ...(config.blob.kind === 's3' ? [config.blob.publicOrigin] : [])],
          mediaSrc: ["'self'", 'blob:'],
          // Own origin only: CSP Level 3 'self' covers ws:/wss: to the same host (bare ws: / wss: allowed any host).
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      permittedCrossDomainPolicies: false,
    });
    // Camera (QR scanner) and microphone (voice chat) are used by our own pages only.
    securityHeaders['permissions-policy'] = 'camera=(self), microphone=(self), geolocation=()';
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(securityHeaders);
      done();
    });

    await app.register(cors, {
      // Same-origin needs no CORS; only listed origins are allowed cross-origin, with credentials.
      origin: config.corsOrigins.length ? config.corsOrigins : false,
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      exposedHeaders: ['x-request-id', 'retry-after', 'x-guest-token'],
    });

    const redis = config.redisUrl
      ? new Redis(config.redisUrl, {
          connectTimeout: 2000,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          lazyConnect: false,
        })
      : undefined;
    if (redis) {
      redis.on('error', (err) => app.log.warn({ err: err.message }, 'rate-limit redis error'));
      app.addHook('onClose', async () => {
        redis.disconnect();
      });
    }
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      redis,
      nameSpace: 'medichat-rl:',
      // If Redis is down, serve rather than fail every request; the limit resumes when it returns.
      skipOnError: true,
      errorResponseBuilder: (_req, ctx) => ({
        statusCode: 429,
        code: 'FST_ERR_RATE_LIMIT',
        type: ProblemType.rateLimited,
        message: `Too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s.`,
      }),
    });
  },
  { name: 'security', dependencies: ['error-handler'] },
);
