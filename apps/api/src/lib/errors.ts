/**
 * Typed application errors with stable problem types. Services throw these; the one error handler
 * (plugins/app/error-handler.ts) turns them into `application/problem+json`. Causes are kept.
 */
import { ProblemType, type FieldIssue, type ProblemTypeId } from '@medichat/shared';

export class AppError extends Error {
  readonly type: ProblemTypeId;
  readonly status: number;
  readonly errors?: FieldIssue[];
  readonly retryAfter?: number;
  readonly headers?: Record<string, string>;

  constructor(
    type: ProblemTypeId,
    status: number,
    message: string,
    options: { cause?: unknown; errors?: FieldIssue[]; retryAfter?: number; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.type = type;
    this.status = status;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
    this.headers = options.headers;
  }
}

export const badRequest = (message: string, errors?: FieldIssue[]) =>
  new AppError(ProblemType.badRequest, 400, message, { errors });
export const unauthorized = (message = 'Authentication is required.') =>
  new AppError(ProblemType.unauthorized, 401, message, { headers: { 'www-authenticate': 'Bearer' } });
export const forbidden = (message = 'You may not do that.') => new AppError(ProblemType.forbidden, 403, message);
export const notFound = (message = 'Not found.') => new AppError(ProblemType.notFound, 404, message);
export const conflict = (message: string, cause?: unknown) =>
  new AppError(ProblemType.conflict, 409, message, { cause });
export const unprocessable = (message: string, errors?: FieldIssue[]) =>
  new AppError(ProblemType.unprocessable, 422, message, { errors });
