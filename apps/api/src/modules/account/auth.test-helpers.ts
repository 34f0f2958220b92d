/**
 * Helpers for the identity API suites: which engines to run on, a fast (but real argon2id) config,
 * and sign-up / sign-in shortcuts through `inject`.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestApp, mongoTestUri, type TestApp } from '../../testing/test-app.js';
import type { AppDeps } from '../../app.js';

export type Engine = 'sqlite' | 'mongodb';

/** SQLite always; MongoDB when MEDICHAT_TEST_MONGODB_URI names a server. */
export const testEngines: Engine[] = mongoTestUri ? ['sqlite', 'mongodb'] : ['sqlite'];

/** Real argon2id at a low cost (tests hash a lot), and rate limits out of the way. */
export const fastAuthEnv: Record<string, string> = {
  PASSWORD_HASH_MEMORY_KIB: '1024',
  PASSWORD_HASH_TIME_COST: '1',
  AUTH_RATE_LIMIT_MAX: '100000',
  RATE_LIMIT_MAX: '100000',
};

export function createIdentityTestApp(
  engine: Engine,
  env: Record<string, string> = {},
  deps?: AppDeps,
): Promise<TestApp> {
  return createTestApp({ ...fastAuthEnv, ...env }, { engine, ...(deps ? { deps } : {}) });
}

export const GOOD_PASSWORD = 'violet-harbour-lantern-42';

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${process.pid}.${Date.now()}.${counter}@example.org`;
}

export interface Account {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshCookie: string;
  auth: { authorization: string };
}

/** The `medichat_refresh` cookie value from a response, or undefined. */
export function refreshCookieOf(res: LightMyRequestResponse): string | undefined {
  const c = res.cookies.find((x) => x.name === 'medichat_refresh');
  return c && c.value ? c.value : undefined;
}

export async function registerAccount(
  app: FastifyInstance,
  options: { email?: string; password?: string; displayName?: string; headers?: Record<string, string> } = {},
): Promise<Account> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? GOOD_PASSWORD;
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password, ...(options.displayName ? { displayName: options.displayName } : {}) },
    headers: options.headers ?? {},
  });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  const refreshCookie = refreshCookieOf(res);
  assert.ok(refreshCookie, 'register sets the refresh cookie');
  return {
    email,
    password,
    userId: body.user.id,
    accessToken: body.accessToken,
    refreshCookie,
    auth: { authorization: `Bearer ${body.accessToken}` },
  };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** A problem body without its per-request `instance`, for comparing two answers. */
export function problemShape(res: LightMyRequestResponse): Record<string, unknown> {
  const { instance: _instance, ...rest } = res.json() as Record<string, unknown>;
  return { status: res.statusCode, ...rest };
}
