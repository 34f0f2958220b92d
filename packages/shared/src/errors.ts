/**
 * Stable problem types. Every error the API returns is `application/problem+json` with one of these
 * `type` ids (RFC 9457): clients switch on `type`, never on `title` or `detail`.
 */
export const ProblemType = {
  badRequest: 'bad_request',
  validation: 'validation_failed',
  malformedJson: 'malformed_json',
  unsupportedMediaType: 'unsupported_media_type',
  payloadTooLarge: 'payload_too_large',
  unauthorized: 'unauthorized',
  invalidCredentials: 'invalid_credentials',
  tokenExpired: 'token_expired',
  forbidden: 'forbidden',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  conflict: 'conflict',
  locked: 'locked',
  /** QR login for an account with a PIN: send the PIN too. */
  pinRequired: 'pin_required',
  /** The password breaks the policy (length, common, equal to the email). */
  weakPassword: 'weak_password',
  rateLimited: 'rate_limited',
  unprocessable: 'unprocessable',
  modelUnavailable: 'model_unavailable',
  /** A reply could not be generated (the model failed); the user message is kept and a retry works. */
  generationFailed: 'generation_failed',
  /** The reply was interrupted by a server restart before it finished. */
  generationInterrupted: 'generation_interrupted',
  serviceUnavailable: 'service_unavailable',
  internal: 'internal_error',
  uriTooLong: 'uri_too_long',
  headersTooLarge: 'headers_too_large',
} as const;

export type ProblemTypeId = (typeof ProblemType)[keyof typeof ProblemType];

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `card.allergies.0.severity`. */
  path: string;
  message: string;
  /** 1-based line of an uploaded file the issue is on (a fine-tune dataset: `POST /api/models/fine-tune`). */
  line?: number;
}

export interface Problem {
  type: ProblemTypeId;
  title: string;
  status: number;
  detail?: string;
  /** The request id, to quote when reporting a problem. */
  instance?: string;
  errors?: FieldIssue[];
  /** Seconds to wait before retrying (rate limits, PIN lock). */
  retryAfter?: number;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The problem type an HTTP status means when nothing more specific is known: the API's error
 * handler uses it for a framework error that carries only a status, the web client for an answer
 * that is not problem+json (a proxy's 502, an HTML error page). One table, so both agree.
 */
export function problemTypeForStatus(status: number): ProblemTypeId {
  switch (status) {
    case 400:
      return ProblemType.badRequest;
    case 401:
      return ProblemType.unauthorized;
    case 403:
      return ProblemType.forbidden;
    case 404:
      return ProblemType.notFound;
    case 405:
      return ProblemType.methodNotAllowed;
    case 409:
      return ProblemType.conflict;
    case 413:
      return ProblemType.payloadTooLarge;
    case 415:
      return ProblemType.unsupportedMediaType;
    case 422:
      return ProblemType.unprocessable;
    case 423:
      return ProblemType.locked;
    case 429:
      return ProblemType.rateLimited;
    case 502:
    case 503:
    case 504:
      return ProblemType.serviceUnavailable;
    default:
      return status >= 500 ? ProblemType.internal : ProblemType.badRequest;
  }
}
