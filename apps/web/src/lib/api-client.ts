/**
 * The one HTTP client of the web app. Same origin by default, JSON in and out, cookies included
 * (the refresh token is an httpOnly cookie), the in-memory access token attached when there is one.
 * Every failure becomes a typed error: `ApiError` for an HTTP error (parsed from
 * `application/problem+json`, or synthesised from the status when a proxy answered instead),
 * `NetworkError` when no response arrived at all.
 */
import {
  GUEST_TOKEN_HEADER,
  PROBLEM_CONTENT_TYPE,
  ProblemType,
  problemTypeForStatus,
  problemSchema,
  type FieldIssue,
  type ProblemTypeId,
} from '@medichat/shared';
import type { z } from 'zod';
import { getAccessToken, getGuestToken, setGuestToken } from './auth-store';

/** Problem types the client itself can raise, beside the API's own. */
export const ClientProblemType = {
  /** The server answered 2xx with a body that does not match the expected schema. */
  invalidResponse: 'invalid_response',
} as const;

export type ApiErrorType = ProblemTypeId | (typeof ClientProblemType)[keyof typeof ClientProblemType];

export interface ApiErrorInit {
  type: ApiErrorType;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldIssue[];
  retryAfter?: number;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly type: ApiErrorType;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors: FieldIssue[];
  readonly retryAfter?: number;

  constructor(init: ApiErrorInit) {
    super(init.detail ?? init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.type = init.type;
    this.title = init.title;
    this.status = init.status;
    this.detail = init.detail;
    this.instance = init.instance;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter;
  }

  /** The message for one form field, e.g. `fieldError('card.allergies.0.severity')`. */
  fieldError(path: string): string | undefined {
    return this.errors.find((e) => e.path === path)?.message;
  }
}

/** No HTTP response at all: offline, DNS, connection refused, CORS, or aborted. */
export class NetworkError extends Error {
  readonly aborted: boolean;
  constructor(message: string, options: { cause?: unknown; aborted?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'NetworkError';
    this.aborted = options.aborted ?? false;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Serialised as JSON, unless it is FormData or a Blob (sent as is). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** Prefix for every path; '' (same origin) in the browser. */
  baseUrl?: string;
  /** Where the bearer token comes from; the in-memory auth store by default. */
  getToken?: () => string | null;
  /** A guest session's token, sent when there is no access token (none by default). */
  getGuestToken?: () => string | null;
  /** Called with the guest token an API route created on the fly (`x-guest-token`). */
  onGuestToken?: (token: string) => void;
  /**
   * Called when a request that carried the access token got a 401: refresh the session and return
   * the new access token (the request is then retried once), or null to give up. Concurrent 401s
   * should share one refresh: the handler is expected to be single-flight.
   */
  onUnauthorized?: () => Promise<string | null>;
  fetch?: typeof fetch;
}

const KNOWN_TYPES = new Set<string>(Object.values(ProblemType));

function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Turns an error response into an ApiError, whatever its body is. */
export async function toApiError(response: Response): Promise<ApiError> {
  const fallback = {
    type: problemTypeForStatus(response.status),
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    retryAfter: retryAfterSeconds(response.headers.get('retry-after')),
  };
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes(PROBLEM_CONTENT_TYPE) && !contentType.includes('application/json')) {
    return new ApiError(fallback);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    return new ApiError({ ...fallback, cause });
  }
  const parsed = problemSchema.safeParse(body);
  if (!parsed.success) return new ApiError(fallback);
  const problem = parsed.data;
  return new ApiError({
    // An id this client does not know yet is still better described by its status.
    type: KNOWN_TYPES.has(problem.type) ? (problem.type as ProblemTypeId) : fallback.type,
    title: problem.title,
    status: problem.status || response.status,
    detail: problem.detail,
    instance: problem.instance,
    errors: problem.errors,
    retryAfter: problem.retryAfter ?? fallback.retryAfter,
  });
}

function buildUrl(baseUrl: string, path: string, query?: Query): string {
  let url = `${baseUrl}${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  return url;
}

function isRawBody(body: unknown): body is NonNullable<RequestInit['body']> {
  return (
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    body instanceof ArrayBuffer ||
    body instanceof URLSearchParams
  );
}

export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  const getToken = options.getToken ?? getAccessToken;
  const getGuest = options.getGuestToken ?? (() => null);
  const doFetch = options.fetch ?? ((input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, init));

  async function request<T = unknown>(
    method: string,
    path: string,
    opts: RequestOptions = {},
    schema?: z.ZodType<T>,
  ): Promise<T> {
    const headers = new Headers({ accept: `application/json, ${PROBLEM_CONTENT_TYPE}` });
    let body: RequestInit['body'];
    if (opts.body !== undefined) {
      if (isRawBody(opts.body)) {
        body = opts.body;
      } else {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(opts.body);
      }
    }
    const accessToken = getToken();
    const token = accessToken ?? getGuest();
    if (token) headers.set('authorization', `Bearer ${token}`);
    for (const [key, value] of Object.entries(opts.headers ?? {})) headers.set(key, value);
    const sentAccessToken = accessToken !== null && headers.get('authorization') === `Bearer ${accessToken}`;

    const send = async (): Promise<Response> => {
      try {
        return await doFetch(buildUrl(baseUrl, path, opts.query), {
          method,
          headers,
          body,
          credentials: 'include',
          signal: opts.signal,
        });
      } catch (cause) {
        const aborted = cause instanceof DOMException && cause.name === 'AbortError';
        throw new NetworkError(
          aborted ? 'The request was cancelled.' : 'Could not reach Medichat. Check your connection.',
          {
            cause,
            aborted,
          },
        );
      }
    };

    let response = await send();
    if (response.status === 401 && sentAccessToken && options.onUnauthorized) {
      // The access token expired (or was revoked): refresh once, retry once with the new token.
      const fresh = await options.onUnauthorized();
      if (fresh) {
        headers.set('authorization', `Bearer ${fresh}`);
        response = await send();
      }
    }

    const guestToken = response.headers.get(GUEST_TOKEN_HEADER);
    if (guestToken && options.onGuestToken) options.onGuestToken(guestToken);

    if (!response.ok) throw await toApiError(response);
    if (response.status === 204 || response.status === 205) return undefined as T;

    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.includes('json')) {
      // Non-JSON success bodies (a QR PNG, synthesised audio) come back as a Blob.
      return (await response.blob()) as T;
    }
    const data: unknown = await response.json();
    if (!schema) return data as T;
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new ApiError({
        type: ClientProblemType.invalidResponse,
        title: 'Unexpected response from the server',
        status: response.status,
        detail: `${method} ${path} returned data in an unexpected shape.`,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  return {
    request,
    get: <T = unknown>(path: string, opts?: Omit<RequestOptions, 'body'>, schema?: z.ZodType<T>) =>
      request('GET', path, opts, schema),
    post: <T = unknown>(path: string, body?: unknown, opts?: RequestOptions, schema?: z.ZodType<T>) =>
      request('POST', path, { ...opts, body }, schema),
    patch: <T = unknown>(path: string, body?: unknown, opts?: RequestOptions, schema?: z.ZodType<T>) =>
      request('PATCH', path, { ...opts, body }, schema),
    put: <T = unknown>(path: string, body?: unknown, opts?: RequestOptions, schema?: z.ZodType<T>) =>
      request('PUT', path, { ...opts, body }, schema),
    delete: <T = unknown>(path: string, opts?: RequestOptions, schema?: z.ZodType<T>) =>
      request('DELETE', path, opts, schema),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

let unauthorizedHandler: (() => Promise<string | null>) | null = null;

/** Installs the session refresher the app's client calls on a 401 (see lib/session.ts). */
export function setUnauthorizedHandler(handler: (() => Promise<string | null>) | null): void {
  unauthorizedHandler = handler;
}

/**
 * The app's client: same origin, the access token from the auth store (or the guest token when
 * signed out), one refresh-and-retry on a 401.
 */
export const api = createApiClient({
  getGuestToken,
  onGuestToken: (token) => setGuestToken(token),
  onUnauthorized: () => (unauthorizedHandler ? unauthorizedHandler() : Promise.resolve(null)),
});
