/**
 * The one error handler. Every error becomes `application/problem+json` with a stable `type`;
 * 4xx explain what was wrong, 5xx never leak details (they are logged with the request id).
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
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
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
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
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, type: ProblemType.uriTooLong, detail: 'A part of the URL is too long.' },
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
  // busboy (under @fastify/multipart) throws plain Errors for a malformed multipart body or header
  // ("Multipart: Boundary not found", "Unexpected end of form", "Malformed part header").
  if (
    request.headers['content-type']?.toLowerCase().startsWith('multipart/') &&
    /^(Multipart: |Unexpected end of (form|multipart data)|Malformed part header)/.test(fe.message ?? '')
  ) {
    return { type: ProblemType.badRequest, status: 400, detail: `The multipart body is malformed: ${fe.message}.` };
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

/**
 * Fastify's `frameworkErrors`: errors the router raises before any route runs (a malformed URL, a
 * path parameter over maxParamLength = 414), answered as problem+json like every other error.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblem(error, request);
  request.log.info({ type: problem.type, status: problem.status }, 'request rejected by the router');
  void sendProblem(reply, problem);
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser rejects before there is a request (headers
 * over the size limit = 431, a malformed request line = 400), written to the socket as problem+json.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  const [status, type, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, ProblemType.headersTooLarge, 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, ProblemType.badRequest, 'The request took too long to arrive.']
        : [400, ProblemType.badRequest, 'The request is malformed.'];
  const body = JSON.stringify({ type, title: TITLES[status] ?? 'Bad Request', status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${TITLES[status] ?? 'Bad Request'}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route declares for this concrete path ([] = no route at all: a 404, else a 405). */
    allowedMethods(path: string): string[];
  }
}

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The router's limit on one path parameter, in raw (percent-encoded) characters. A documented
 * `maxLength` counts code points and one code point encodes to at most 12 characters, so the limit
 * sits above 12 × the longest documented path parameter (the QR token, 512): a parameter the
 * document calls too long reaches validation and is a 400; only a longer one is a 414.
 */
export const MAX_PARAM_LENGTH = 8192;

export default fp(
  async function errorHandler(app: FastifyInstance) {
    // A second router (fastify's own, find-my-way) holding every declared route, asked only by the
    // not-found handler: a path that exists under another method is a 405 with an Allow header.
    // Catch-all routes (the web app's static files) are left out, or every path would "exist".
    const declared = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH });
    app.addHook('onRoute', (route) => {
      if (route.url.includes('*')) return;
      for (const method of [route.method].flat() as HTTPMethod[]) {
        if (!METHODS.includes(method) || declared.hasRoute(method, route.url)) continue;
        declared.on(method, route.url, () => undefined);
      }
    });
    app.decorate('allowedMethods', (path: string) => METHODS.filter((m) => declared.find(m, path) !== null));
    // A method no route of this API declares (QUERY, TRACE, PROPFIND…) is answered before its body
    // is parsed: 405 with Allow on a path that exists, else 404 — never a content-type 400.
    app.addHook('onRequest', async (request, reply) => {
      if (METHODS.includes(request.method as HTTPMethod) || !request.is404) return;
      const path = request.url.split('?')[0] ?? '/';
      const allowed = app.allowedMethods(path);
      if (allowed.length > 0) reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        allowed.length > 0
          ? {
              type: ProblemType.methodNotAllowed,
              status: 405,
              detail: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`,
            }
          : { type: ProblemType.notFound, status: 404, detail: `No route for ${request.method} ${path}.` },
      );
    });
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
