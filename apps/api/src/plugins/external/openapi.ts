/** OpenAPI 3.1 generated from the Zod route schemas; Swagger UI at /docs, JSON at /docs/json. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../../config/config.js';

type OpenApiDoc = {
  components?: { schemas?: Record<string, unknown> };
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
};

/** RFC 9457 problem details as every error of this API sends them (plugins/app/error-handler.ts). */
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'Stable problem type id (e.g. validation_failed, unauthorized).' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request id (also in x-request-id).' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
    retryAfter: { type: 'number', description: 'Seconds to wait before retrying (also Retry-After).' },
  },
};

/** Declares the problem+json error responses (4XX, 5XX) on every operation that does not name them. */
export function withProblemResponses<T extends OpenApiDoc>(doc: T): T {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Problem: PROBLEM_SCHEMA } };
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(ops)) {
      if (!op || typeof op !== 'object') continue;
      op.responses ??= {};
      // Errors a route names itself (`401: problemSchema`) are generated as application/json; the
      // error handler sends them as application/problem+json, so the document says that.
      for (const [code, response] of Object.entries(op.responses)) {
        const content = (response as { content?: Record<string, unknown> }).content;
        if (!/^[45]/.test(code) || !content?.['application/json']) continue;
        content['application/problem+json'] = content['application/json'];
        delete content['application/json'];
      }
      op.responses['4XX'] ??= problem('Client error (problem+json)');
      op.responses['5XX'] ??= problem('Server error (problem+json)');
    }
  }
  return doc;
}

export default fp(
  async function openapi(app: FastifyInstance, opts: { config: Config }) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Medichat API',
          version: opts.config.version,
          description:
            'Medical consultation assistant. Errors are application/problem+json (RFC 9457) with a stable `type`.',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: (input) => withProblemResponses(jsonSchemaTransformObject(input) as OpenApiDoc),
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: (h) => h });
  },
  { name: 'openapi' },
);
