/**
 * Builds the Fastify application without listening (server.ts listens; tests build the app and use
 * `inject` or listen on port 0). Plugins in two groups, external then app, then the routes.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config/config.js';
import type { Storage } from './engines/storage/index.js';
import { loggerOptions } from './lib/logger.js';
import errorHandler, {
  clientErrorHandler,
  frameworkErrorHandler,
  MAX_PARAM_LENGTH,
} from './plugins/app/error-handler.js';
import queuePlugin from './plugins/app/queue.js';
import storagePlugin from './plugins/app/storage.js';
import webPlugin from './plugins/app/web.js';
import metricsPlugin from './plugins/external/metrics.js';
import openapiPlugin from './plugins/external/openapi.js';
import securityPlugin from './plugins/external/security.js';
import { healthRoutes } from './modules/health/health.routes.js';
import blobStorePlugin from './engines/blob/blob.plugin.js';
import authPlugin from './plugins/app/auth.js';
import { buildServices, type Services } from './container.js';
import { authRoutes } from './modules/account/auth.routes.js';
import { credentialRoutes } from './modules/account/credential.routes.js';
import { adminRoutes } from './modules/admin/admin.routes.js';
import { userRoutes } from './modules/users/users.routes.js';
import { cardRoutes } from './modules/cards/cards.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import websocketPlugin from '@fastify/websocket';
import { WS_MAX_FRAME_BYTES } from '@medichat/shared';
import { modelRoutes } from './modules/models/models.routes.js';
import { chatRoutes } from './modules/chat/chat.routes.js';
import { chatSocketRoutes } from './modules/chat/chat-socket.routes.js';
import { messageRoutes } from './modules/chat/message.routes.js';
import { sensorRoutes } from './modules/sensors/index.js';
import { newsRoutes } from './modules/news/index.js';
import { callsSocketPlugin } from './modules/calls/index.js';
import { voiceRoutes } from './modules/chat/voice.routes.js';
import { fineTuneRoutes } from './modules/fine-tune/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every service, built once by the composition root (container.ts); routes only read it. */
    services: Services;
  }
}

export interface AppDeps {
  /** An already-open storage (tests, CLI); otherwise the app opens the one config names. */
  storage?: Storage;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Honour a well-formed incoming request id (from a proxy), else make one.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body to a JSON route is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Graceful shutdown: once closing, answers in flight tell keep-alive clients to hang up, so the
  // server does not wait out the keep-alive timeout before it can exit.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  await app.register(errorHandler);
  await app.register(metricsPlugin);
  await app.register(securityPlugin, { config });
  await app.register(openapiPlugin, { config });
  await app.register(storagePlugin, { config, storage: deps.storage });
  await app.register(queuePlugin, { config });

  await app.register(healthRoutes, { config });
  await app.register(blobStorePlugin, { config });
  // The composition root: every repository and service, built once (container.ts).
  const services = await buildServices({
    config,
    storage: app.storage,
    blobs: app.blobs,
    sealedBlobs: app.sealedBlobs,
    log: app.log,
    queue: app.queue,
  });
  app.decorate('services', services);
  app.addHook('preClose', async () => services.stop());
  app.addHook('onClose', async () => services.close());
  await app.register(authPlugin, { authenticator: services.sessions });
  await app.register(authRoutes, { config });
  await app.register(credentialRoutes, { config });
  await app.register(userRoutes, { config });
  await app.register(adminRoutes);
  await app.register(cardRoutes, { config });
  await app.register(auditRoutes);
  // Chat: WebSocket support (a frame over WS_MAX_FRAME_BYTES closes the socket with 1009).
  await app.register(websocketPlugin, { options: { maxPayload: WS_MAX_FRAME_BYTES } });
  await app.register(modelRoutes);
  await app.register(chatRoutes);
  await app.register(messageRoutes);
  await app.register(chatSocketRoutes);
  await app.register(sensorRoutes, { config });
  await app.register(newsRoutes);
  // Calls: Socket.IO signalling at /socket.io (after @fastify/websocket, whose upgrades it sorts out).
  await app.register(callsSocketPlugin, {
    calls: services.calls,
    displayNameOf: async (userId) => (await services.users.get(userId))?.displayName ?? null,
    corsOrigins: config.corsOrigins,
  });
  await app.register(voiceRoutes, { config });
  await app.register(fineTuneRoutes);

  await app.register(webPlugin, { config });
  return app;
}
