/**
 * The API client's session hooks against a real HTTP server (node:http), not a mocked fetch: a 401
 * on a request that carried the access token asks for a new token once and retries once; a 401
 * without it (a wrong password) does not; the guest token goes out only when there is no access
 * token; a guest token the server creates (`x-guest-token`) is handed back.
 * Run: node --conditions=development --import tsx --test apps/web/src/lib/api-client.refresh.test.ts
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ApiError, createApiClient } from './api-client';

let server: Server;
let baseUrl: string;
let validToken = 'fresh';
const authorizations: Array<string | undefined> = [];

before(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    authorizations.push(req.headers.authorization);
    if (path === '/api/me') {
      if (req.headers.authorization === `Bearer ${validToken}`) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
      } else {
        res
          .writeHead(401, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ type: 'token_expired', title: 'Expired', status: 401 }));
      }
    } else if (path === '/api/guest-made') {
      res
        .writeHead(201, { 'content-type': 'application/json', 'x-guest-token': 'guest-new' })
        .end(JSON.stringify({ ok: true }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a 401 with the access token: one refresh, one retry with the new token', async () => {
  validToken = 'fresh';
  let token = 'stale';
  let refreshes = 0;
  const api = createApiClient({
    baseUrl,
    getToken: () => token,
    onUnauthorized: async () => {
      refreshes++;
      token = 'fresh';
      return token;
    },
  });
  authorizations.length = 0;
  assert.deepEqual(await api.get('/api/me'), { ok: true });
  assert.equal(refreshes, 1);
  assert.deepEqual(authorizations, ['Bearer stale', 'Bearer fresh']);
});

test('concurrent 401s share a single-flight refresher', async () => {
  validToken = 'fresh-2';
  let token = 'stale';
  let refreshes = 0;
  let inflight: Promise<string | null> | null = null;
  const refresh = () =>
    (inflight ??= new Promise<string | null>((resolve) =>
      setTimeout(() => {
        refreshes++;
        token = 'fresh-2';
        resolve(token);
      }, 50),
    ).finally(() => {
      inflight = null;
    }));
  const api = createApiClient({ baseUrl, getToken: () => token, onUnauthorized: refresh });
  const results = await Promise.all([api.get('/api/me'), api.get('/api/me'), api.get('/api/me')]);
  assert.deepEqual(results, [{ ok: true }, { ok: true }, { ok: true }]);
  assert.equal(refreshes, 1);
});

test('when the refresh fails, the original 401 is thrown and nothing is retried', async () => {
  validToken = 'never';
  const api = createApiClient({ baseUrl, getToken: () => 'stale', onUnauthorized: async () => null });
  authorizations.length = 0;
  await assert.rejects(api.get('/api/me'), (err: unknown) => err instanceof ApiError && err.type === 'token_expired');
  assert.equal(authorizations.length, 1);
});

test('no refresh for a 401 that did not carry the access token (sign-in routes, guests)', async () => {
  let refreshes = 0;
  const onUnauthorized = async () => {
    refreshes++;
    return 'x';
  };
  const signedOut = createApiClient({ baseUrl, getToken: () => null, getGuestToken: () => 'guest-1', onUnauthorized });
  authorizations.length = 0;
  await assert.rejects(signedOut.get('/api/me'), ApiError);
  assert.deepEqual(authorizations, ['Bearer guest-1'], 'the guest token is the bearer when signed out');
  const overridden = createApiClient({ baseUrl, getToken: () => 'stale', onUnauthorized });
  await assert.rejects(overridden.get('/api/me', { headers: { authorization: 'Bearer other' } }), ApiError);
  assert.equal(refreshes, 0);
});

test('the access token wins over the guest token; a guest token the server makes is handed back', async () => {
  validToken = 'fresh';
  const made: string[] = [];
  const api = createApiClient({
    baseUrl,
    getToken: () => 'fresh',
    getGuestToken: () => 'guest-1',
    onGuestToken: (t) => made.push(t),
  });
  authorizations.length = 0;
  await api.get('/api/me');
  assert.deepEqual(authorizations, ['Bearer fresh']);
  await api.post('/api/guest-made');
  assert.deepEqual(made, ['guest-new']);
});
