/**
 * `POST /api/sensors` (a batch of readings), `GET /api/sensors` (raw pages or server-side buckets),
 * `DELETE /api/sensors?source=` (one source's readings). Signed-in users only; each sees only their own.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  importStatusSchema,
  readingSourcesSchema,
  readingsBatchSchema,
  readingsDeleteQuerySchema,
  readingsIngestResultSchema,
  readingsPageSchema,
  readingsQuerySchema,
} from '@medichat/shared';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Config } from '../../config/config.js';
import { AppError, notFound } from '../../lib/errors.js';
import { currentUserId, requireUser } from '../../plugins/app/auth.js';
import { ProblemType } from '@medichat/shared';

/** A full batch (5000 readings) of verbose JSON fits; larger bodies are a 413. */
const BATCH_BODY_LIMIT = 2 * 1024 * 1024;

/** The largest export accepted (a 200 MB Apple Health export fits with room). */
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024;
const IMPORT_TYPES = [
  'application/xml',
  'text/xml',
  'application/json',
  'application/octet-stream',
  'application/zip',
  'application/x-zip-compressed',
];

/**
 * What the first bytes of an upload must look like for its format: an Apple Health export is a zip
 * (`PK\x03\x04`) or XML (`<`), the JSON formats start with `{` or `[` (a UTF-8 byte-order mark and
 * white space skipped). Anything else (a PDF, a photo) is refused at once with a 415, before a job.
 */
function looksLike(format: ImportFormatParam, head: Buffer): boolean {
  if (format === 'apple-health' && head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return true;
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return format === 'apple-health' ? text.startsWith('<') : text.startsWith('{') || text.startsWith('[');
}
type ImportFormatParam = 'apple-health' | 'google-fit' | 'health-connect';

export const sensorRoutes: FastifyPluginAsyncZod<{ config: Pick<Config, 'dataDir'> }> = async (app, { config }) => {
  const { sensors } = app.services;
  const importDir = join(config.dataDir, 'imports');
  // Uploads are streamed to a file, never buffered: a child scope, so JSON stays JSON elsewhere.
  await app.register(async (child) => {
    child.removeContentTypeParser(['application/json']);
    child.addContentTypeParser(IMPORT_TYPES, (_request, payload, done) => done(null, payload));

    child.post(
      '/api/sensors/import',
      {
        preHandler: requireUser,
        schema: {
          tags: ['sensors'],
          summary:
            'Upload a health export (Apple Health export.zip or export.xml, Google Fit or Health Connect JSON); imported by a job',
          querystring: z.object({ format: z.enum(['apple-health', 'google-fit', 'health-connect']) }).strict(),
          response: { 202: z.object({ jobId: z.string() }) },
        },
      },
      async (request, reply) => {
        const owner = currentUserId(request);
        const body = request.body as Readable | undefined;
        if (!body || typeof (body as Readable).pipe !== 'function')
          throw new AppError(ProblemType.unsupportedMediaType, 415, `Send the export as ${IMPORT_TYPES.join(', ')}.`);
        const declared = Number(request.headers['content-length'] ?? 'NaN');
        const tooLarge = () =>
          new AppError(ProblemType.payloadTooLarge, 413, `An export may be at most ${IMPORT_MAX_BYTES} bytes.`);
        if (declared > IMPORT_MAX_BYTES) throw tooLarge();
        await mkdir(importDir, { recursive: true });
        const key = `${owner}.${randomUUID()}`;
        const file = join(importDir, `${key}.upload`);
        let size = 0;
        let head = Buffer.alloc(0);
        try {
          await pipeline(
            body,
            new Transform({
              transform(chunk: Buffer, _enc, cb) {
                if (head.length < 64) head = Buffer.concat([head, chunk.subarray(0, 64 - head.length)]);
                size += chunk.length;
                cb(size > IMPORT_MAX_BYTES ? tooLarge() : null, chunk);
              },
            }),
            createWriteStream(file),
          );
        } catch (err) {
          await unlink(file).catch(() => undefined);
          throw err;
        }
        if (size === 0) {
          await unlink(file).catch(() => undefined);
          throw new AppError(ProblemType.badRequest, 400, 'The export is empty.');
        }
        const format = (request.query as { format: ImportFormatParam }).format;
        if (!looksLike(format, head)) {
          await unlink(file).catch(() => undefined);
          throw new AppError(
            ProblemType.unsupportedMediaType,
            415,
            format === 'apple-health'
              ? 'This is not an Apple Health export: send export.zip as the Health app shares it, or the export.xml inside it.'
              : `This is not a ${format === 'google-fit' ? 'Google Fit' : 'Health Connect'} export: send its JSON file.`,
          );
        }
        const { id } = await app.queue.enqueue(
          'sensors-import',
          {
            owner,
            file,
            format,
          },
          { jobId: key },
        );
        return reply.code(202).send({ jobId: id });
      },
    );
  });

  app.get(
    '/api/sensors/import/:jobId',
    {
      preHandler: requireUser,
      schema: {
        tags: ['sensors'],
        summary: 'State and progress of an import',
        params: z.object({ jobId: z.string().min(1).max(200) }),
        response: { 200: importStatusSchema },
      },
    },
    async (request) => {
      const owner = currentUserId(request);
      // The job key starts with its owner's id: another user's import is a 404.
      if (!request.params.jobId.startsWith(`sensors-import:${owner}.`)) throw notFound('No such import.');
      const job = await app.queue.getJob(request.params.jobId);
      if (!job) throw notFound('No such import.');
      return {
        state: job.state,
        progress: job.progress,
        ...(job.result !== undefined && job.result !== null ? { result: job.result } : {}),
        ...(job.failedReason ? { error: job.failedReason } : {}),
      };
    },
  );

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

  app.get(
    '/api/sensors/sources',
    {
      preHandler: requireUser,
      schema: {
        tags: ['sensors'],
        summary: "Where the caller's readings came from: each source with its count and time span",
        response: { 200: readingSourcesSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return sensors.sources(currentUserId(request));
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
