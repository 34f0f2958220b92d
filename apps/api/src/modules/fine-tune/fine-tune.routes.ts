/**
 * Fine-tuning over HTTP (admins only): `POST /api/models/fine-tune` (multipart: the
 * fineTuneRequestSchema fields and a `dataset` file), `GET /api/models/:id/status` (any model: one
 * document read), `POST /api/models/:id/cancel` and `POST /api/models/:id/retry`.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  FINE_TUNE_MAX_DATASET_BYTES,
  fineTuneRequestSchema,
  idSchema,
  modelJobAcceptedSchema,
  modelStatusSchema,
  problemSchema,
  ProblemType,
} from '@medichat/shared';
import { AppError } from '../../lib/errors.js';
import { requireRole } from '../../plugins/app/auth.js';

const tooLarge = () =>
  new AppError(ProblemType.payloadTooLarge, 413, `A dataset may be at most ${FINE_TUNE_MAX_DATASET_BYTES} bytes.`);

/** Room for the form fields and multipart framing around the dataset. */
const FORM_SLACK_BYTES = 64 * 1024;

export const fineTuneRoutes: FastifyPluginAsyncZod = async (app) => {
  const errors = {
    400: problemSchema,
    401: problemSchema,
    403: problemSchema,
    404: problemSchema,
    409: problemSchema,
    413: problemSchema,
    415: problemSchema,
    422: problemSchema,
  };
  const params = z.object({ id: idSchema });
  await app.register(multipart, {
    limits: { fileSize: FINE_TUNE_MAX_DATASET_BYTES, files: 1, fields: 20, parts: 21, fieldSize: 1024 },
  });

  app.post(
    '/api/models/fine-tune',
    {
      preHandler: requireRole('admin'),
      bodyLimit: FINE_TUNE_MAX_DATASET_BYTES + FORM_SLACK_BYTES,
      schema: {
        tags: ['models'],
        summary:
          'Fine-tune a model (admin): multipart fields name, baseModelId and hyperparameters, file `dataset` (chat JSONL); runs as a job',
        consumes: ['multipart/form-data'],
        response: { 202: modelJobAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new AppError(ProblemType.unsupportedMediaType, 415, 'Send multipart/form-data with a `dataset` file.');
      }
      if (Number(request.headers['content-length'] ?? 0) > FINE_TUNE_MAX_DATASET_BYTES + FORM_SLACK_BYTES)
        throw tooLarge();
      const fields: Record<string, string> = {};
      let dataset: Buffer | null = null;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'dataset') {
              await part.toBuffer();
              throw new AppError(
                ProblemType.badRequest,
                400,
                `Unexpected file field "${part.fieldname}"; send the dataset as "dataset".`,
              );
            }
            dataset = await part.toBuffer();
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
        throw err;
      }
      if (!dataset)
        throw new AppError(ProblemType.badRequest, 400, 'Send the dataset as a file field named "dataset".');
      const parsed = fineTuneRequestSchema.safeParse(fields);
      if (!parsed.success) {
        throw new AppError(ProblemType.validation, 400, 'The form fields are invalid.', {
          errors: parsed.error.issues.map((i) => ({
            path: `body.${i.path.join('.') || '(form)'}`,
            message: i.message,
          })),
        });
      }
      return reply.code(202).send(await app.services.fineTune.start(parsed.data, dataset));
    },
  );

  app.get(
    '/api/models/:id/status',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['models'],
        summary: "A model's job: state, step/total, loss and eval-loss series, ETA, events, the gate (admin)",
        params,
        response: { 200: modelStatusSchema, ...errors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return app.services.fineTune.status(request.params.id);
    },
  );

  app.post(
    '/api/models/:id/cancel',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['models'],
        summary: 'Cancel a fine-tune (admin): a queued one at once, a running one once its trainer stopped',
        params,
        response: { 200: modelStatusSchema, ...errors },
      },
    },
    async (request) => app.services.fineTune.cancel(request.params.id),
  );

  app.post(
    '/api/models/:id/retry',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['models'],
        summary: 'Run a failed or cancelled fine-tune again (admin)',
        params,
        response: { 202: modelJobAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(202).send(await app.services.fineTune.retry(request.params.id)),
  );
};
