/**
 * The API client against a real HTTP server (node:http), not a mocked fetch.
 * Run: node --conditions=development --import tsx --test apps/web/src/lib/api-client.test.ts
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ProblemType } from '@medichat/shared';
import { z } from 'zod';
import { ApiError, ClientProblemType, NetworkError, createApiClient } from './api-client';
import { getAccessToken, setAccessToken } from './auth-store';

let server: Server;
let baseUrl: string;
const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const path = (req.url ?? '').split('?')[0];
      if (path === '/api/echo') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body: body ? JSON.parse(body) : null }));
      } else if (path === '/api/empty') {
        res.writeHead(204).end();
      } else if (path === '/api/invalid') {
        res.writeHead(422, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'validation_failed',
            title: 'Invalid input',
            status: 422,
            detail: 'The card has 1 problem.',
            instance: 'req-123',
            errors: [{ path: 'card.allergies.0.severity', message: 'must be mild, moderate or severe' }],
          }),
        );
      } else if (path === '/api/locked') {
        res.writeHead(423, { 'content-type': 'application/problem+json', 'retry-after': '90' });
        res.end(JSON.stringify({ type: 'locked', title: 'Too many wrong PINs', status: 423 }));
      } else if (path === '/api/future') {
        res.writeHead(409, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'some_new_type', title: 'New', status: 409 }));
      } else if (path === '/api/proxy-error') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>Bad gateway</h1>');
      } else {
        res.writeHead(404, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'not_found', title: 'Not found', status: 404 }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  setAccessToken(null);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('sends JSON with a query string and parses JSON back through a schema', async () => {
  const api = createApiClient({ baseUrl, getToken: () => null });
  const schema = z.object({ method: z.string(), url: z.string(), body: z.object({ text: z.string() }) });
  const result = await api.post(
    '/api/echo',
    { text: 'hello' },
    { query: { limit: 20, skip: undefined, q: 'a b' } },
    schema,
  );
  assert.deepEqual(result, { method: 'POST', url: '/api/echo?limit=20&q=a+b', body: { text: 'hello' } });
  const last = seen.at(-1)!;
  assert.equal(last.headers['content-type'], 'application/json');
  assert.match(String(last.headers.accept), /application\/problem\+json/);
  assert.equal(last.headers.authorization, undefined);
});

test('attaches the access token from the auth store', async () => {
  const api = createApiClient({ baseUrl });
  setAccessToken('token-abc');
  assert.equal(getAccessToken(), 'token-abc');
  await api.get('/api/echo');
  assert.equal(seen.at(-1)!.headers.authorization, 'Bearer token-abc');
  setAccessToken(null);
  await api.get('/api/echo');
  assert.equal(seen.at(-1)!.headers.authorization, undefined);
});

test('204 resolves to undefined', async () => {
  const api = createApiClient({ baseUrl });
  assert.equal(await api.delete('/api/empty'), undefined);
});

test('problem+json becomes a typed ApiError with field errors', async () => {
  const api = createApiClient({ baseUrl });
  const err = await api.patch('/api/invalid', { card: {} }).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.type, ProblemType.validation);
  assert.equal(err.status, 422);
  assert.equal(err.title, 'Invalid input');
  assert.equal(err.message, 'The card has 1 problem.');
  assert.equal(err.instance, 'req-123');
  assert.equal(err.fieldError('card.allergies.0.severity'), 'must be mild, moderate or severe');
});

test('Retry-After is read from the header', async () => {
  const api = createApiClient({ baseUrl });
  const err = await api.post('/api/locked', { pin: '0000' }).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.type, ProblemType.locked);
  assert.equal(err.retryAfter, 90);
});

test('an unknown problem type falls back to the one its status implies', async () => {
  const api = createApiClient({ baseUrl });
  const err = await api.get('/api/future').catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.type, ProblemType.conflict);
  assert.equal(err.title, 'New');
});

test('a non-problem error body (a proxy page) still becomes an ApiError', async () => {
  const api = createApiClient({ baseUrl });
  const err = await api.get('/api/proxy-error').catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.type, ProblemType.serviceUnavailable);
  assert.equal(err.status, 502);
});

test('a response that does not match the schema is an invalid_response ApiError', async () => {
  const api = createApiClient({ baseUrl });
  const err = await api.get('/api/echo', {}, z.object({ nope: z.string() })).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.type, ClientProblemType.invalidResponse);
  assert.ok(err.cause, 'the zod error is kept as the cause');
});

test('no response at all is a NetworkError', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const api = createApiClient({ baseUrl: `http://127.0.0.1:${port}` });
  const err = await api.get('/api/echo').catch((e: unknown) => e);
  assert.ok(err instanceof NetworkError);
  assert.equal(err.aborted, false);
  assert.ok(err.cause);
});

test('an aborted request is a NetworkError marked aborted', async () => {
  const api = createApiClient({ baseUrl });
  const controller = new AbortController();
  controller.abort();
  const err = await api.get('/api/echo', { signal: controller.signal }).catch((e: unknown) => e);
  assert.ok(err instanceof NetworkError);
  assert.equal(err.aborted, true);
});
