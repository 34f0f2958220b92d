/**
 * The one error handler. Every error becomes `application/problem+json` with a stable `type`;
 * 4xx explain what was wrong, 5xx never leak details (they are logged with the request id).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  PROBLEM_CONTENT_TYPE,
  ProblemType,
  problemTypeForStatus,
  type Problem,
  type ProblemTypeId,
} from '@medichat/shared';
import { AppError } from '../../lib/errors.js';
import { ConflictError, StorageUnavailableError } from '../../engines/storage/errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Fastify's own client-error codes, mapped to our stable types. */
const FASTIFY_CODES: Record<string, { status: number; type: ProblemTypeId; detail?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    type: ProblemType.unsupportedMediaType,
    detail: 'Send JSON with Content-Type: application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, type: ProblemType.badRequest },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, type: ProblemType.payloadTooLarge },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, type: ProblemType.malformedJson, detail: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, type: ProblemType.malformedJson },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, type: ProblemType.unsupportedMediaType },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, type: ProblemType.unsupportedMediaType },
  FST_ERR_VALIDATION: { status: 400, type: ProblemType.validation },
  FST_ERR_BAD_URL: { status: 400, type: ProblemType.badRequest, detail: 'The URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, type: ProblemType.badRequest },
  FST_ERR_NOT_FOUND: { status: 404, type: ProblemType.notFound },
  FST_ERR_RATE_LIMIT: { status: 429, type: ProblemType.rateLimited },
  FST_REQ_FILE_TOO_LARGE: { status: 413, type: ProblemType.payloadTooLarge },
  FST_PARTS_LIMIT: { status: 413, type: ProblemType.payloadTooLarge },
  FST_FILES_LIMIT: { status: 413, type: ProblemType.payloadTooLarge },
  FST_FIELDS_LIMIT: { status: 413, type: ProblemType.payloadTooLarge },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, type: ProblemType.unsupportedMediaType },
};

export function sendProblem(reply: FastifyReply, problem: Omit<Problem, 'title'> & { title?: string }): FastifyReply {
  const body: Problem = {
    type: problem.type,
    title: problem.title ?? TITLES[problem.status] ?? 'Error',
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance: reply.request.id,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.retryAfter !== undefined ? { retryAfter: problem.retryAfter } : {}),
  };
  if (problem.retryAfter !== undefined) reply.header('retry-after', String(Math.ceil(problem.retryAfter)));
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

export function toProblem(
  error: unknown,
  request: FastifyRequest,
): Omit<Problem, 'title' | 'instance'> & { headers?: Record<string, string> } {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    return {
      type: ProblemType.validation,
      status: 400,
      detail: `The request ${where} is not valid.`,
      errors: error.validation.map((v) => ({
        path: [
          where,
          ...String(v.instancePath ?? '')
            .split('/')
            .filter(Boolean),
        ].join('.'),
        message: v.message ?? 'invalid',
      })),
    };
  }
  if (error instanceof AppError) {
    return {
      type: error.type,
      status: error.status,
      detail: error.message,
      errors: error.errors,
      retryAfter: error.retryAfter,
      headers: error.headers,
    };
  }
  if (error instanceof ConflictError) {
    return { type: ProblemType.conflict, status: 409, detail: 'That conflicts with an existing record.' };
  }
  if (error instanceof StorageUnavailableError) {
    // The store did not answer: nothing was decided, the same request can be sent again shortly.
    return {
      type: ProblemType.serviceUnavailable,
      status: 503,
      detail: 'The service is temporarily unavailable; try again shortly.',
      retryAfter: 1,
    };
  }
  const fe = error as Partial<FastifyError> & { statusCode?: number };
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known) {
    return { type: known.type, status: known.status, detail: known.detail ?? fe.message };
  }
  if (error instanceof SyntaxError && request.headers['content-type']?.includes('json')) {
    return { type: ProblemType.malformedJson, status: 400, detail: 'The body is not valid JSON.' };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { type: problemTypeForStatus(status), status, detail: fe.message };
  }
  if (status === 503) {
    return { type: ProblemType.serviceUnavailable, status, detail: 'The service is temporarily unavailable.' };
  }
  return {
    type: ProblemType.internal,
    status: 500,
    detail: 'Something went wrong on our side. Quote the instance id if you report it.',
  };
}

export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((error, request, reply) => {
      const problem = toProblem(error, request);
      if (problem.status >= 500) {
        request.log.error({ err: error }, 'request failed');
      } else {
        request.log.info({ type: problem.type, status: problem.status }, 'request rejected');
      }
      if (problem.headers) reply.headers(problem.headers);
      return sendProblem(reply, problem);
    });
  },
  { name: 'error-handler' },
);
