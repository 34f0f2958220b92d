/**
 * Serves the built web app (apps/web/dist) on the API's port, with SPA fallback: any GET that is
 * not an API route and accepts HTML gets index.html, so deep links work. Everything else that
 * matches no route is a 404 problem+json.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemType } from '@medichat/shared';
import type { Config } from '../../config/config.js';
import { sendProblem } from './error-handler.js';

const API_PREFIXES = ['/api/', '/ws/', '/docs', '/metrics', '/socket.io/'];

export default fp(
  async function web(app: FastifyInstance, opts: { config: Config }) {
    const root = opts.config.webDistDir;
    const hasWeb = existsSync(join(root, 'index.html'));
    if (hasWeb) {
      await app.register(fastifyStatic, {
        root,
        wildcard: false,
        index: false,
        // Vite's hashed assets can be cached for ever; index.html never.
        setHeaders(res, path) {
          res.header(
            'cache-control',
            path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    } else {
      app.log.warn({ root }, 'web app not built: run `npm run build` to serve the UI');
    }

    // Unknown routes count against the rate limit too (scanners probe them).
    app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      const isApi = API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p));
      // The root serves the app to any client (curl without Accept, a health probe); other
      // unknown paths only to a browser asking for HTML, so a mistyped API URL stays a 404 problem.
      const wantsHtml = path === '/' || (request.headers.accept ?? '').includes('text/html');
      if (hasWeb && !isApi && (request.method === 'GET' || request.method === 'HEAD') && wantsHtml) {
        return reply.header('cache-control', 'no-cache').sendFile('index.html');
      }
      const allowed = app.allowedMethods(path);
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        return sendProblem(reply, {
          type: ProblemType.methodNotAllowed,
          status: 405,
          detail: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`,
        });
      }
      return sendProblem(reply, {
        type: ProblemType.notFound,
        status: 404,
        detail: `No route for ${request.method} ${path}.`,
      });
    });
  },
  { name: 'web', dependencies: ['error-handler', 'security'] },
);
