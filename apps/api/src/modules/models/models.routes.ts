/**
 * The model registry over HTTP. Everyone with a session sees the available models; users choose
 * theirs (guests always get the default); admins see everything and register models. Fine-tuning
 * routes belong to a later issue.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  modelAdminSchema,
  modelListSchema,
  problemSchema,
  registerModelSchema,
  usedModelSchema,
  useModelSchema,
} from '@medichat/shared';
import { currentUserId, getPrincipal, requireRole, requireUser, requireUserOrGuest } from '../../plugins/app/auth.js';

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
};
