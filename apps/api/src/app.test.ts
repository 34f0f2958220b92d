/**
 * API foundations against the real app on real SQLite: health, readiness, problem+json for every
 * kind of bad input, request ids, security headers, metrics, OpenAPI, rate limits, SPA fallback
 * and graceful shutdown.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import type { InjectOptions } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createTestApp, type TestApp } from './testing/test-app.js';

const echoBody = z.object({ name: z.string().max(50), age: z.number().int().optional() }).strict();

async function withEchoRoutes(t: TestApp): Promise<TestApp> {
  const app = t.app.withTypeProvider<ZodTypeProvider>();
  app.post('/api/test/echo', { schema: { body: echoBody } }, async (req) => ({ got: req.body }));
  app.get('/api/test/boom', async () => {
    throw new Error('secret database password is hunter2');
  });
  app.get('/api/test/slow', async () => {
    await new Promise((r) => setTimeout(r, 400));
    return { done: true };
  });
  return t;
}

describe('API foundations', () => {
  let t: TestApp;
  before(async () => {
    t = await withEchoRoutes(await createTestApp({ BODY_LIMIT_BYTES: '2048' }));
  });
  after(() => t.close());

  it('GET /api/health answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, 'ok');
    assert.equal(typeof body.version, 'string');
  });

  it('GET /api/ready checks storage', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/ready' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'ready');
    assert.equal(res.json().storage.engine, 'sqlite');
  });

  it('unknown routes are 404 problem+json with the request id as instance', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nope', headers: { 'x-request-id': 'req-test-12345' } });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.json().type, 'not_found');
    assert.equal(res.json().instance, 'req-test-12345');
    assert.equal(res.headers['x-request-id'], 'req-test-12345');
  });

  it('makes a request id when none (or a malformed one) is sent', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  const bad: Array<[string, InjectOptions, number, string]> = [
    [
      'malformed JSON',
      { payload: '{"name": ', headers: { 'content-type': 'application/json' } },
      400,
      'malformed_json',
    ],
    ['empty JSON body', { payload: '', headers: { 'content-type': 'application/json' } }, 400, 'malformed_json'],
    [
      'text/plain body',
      { payload: 'name=x', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
    [
      'form body',
      { payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'unsupported_media_type',
    ],
    [
      'oversize body',
      { payload: JSON.stringify({ name: 'x'.repeat(5000) }), headers: { 'content-type': 'application/json' } },
      413,
      'payload_too_large',
    ],
    ['wrong type', { payload: { name: 42 } }, 400, 'validation_failed'],
    ['missing field', { payload: { age: 3 } }, 400, 'validation_failed'],
    ['unknown field', { payload: { name: 'a', role: 'admin' } }, 400, 'validation_failed'],
    ['Mongo operator in a string field', { payload: { name: { $gt: '' } } }, 400, 'validation_failed'],
    [
      '__proto__ poisoning',
      { payload: '{"name":"a","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } },
      400,
      'malformed_json',
    ],
    [
      'constructor poisoning',
      {
        payload: '{"name":"a","constructor":{"prototype":{"admin":true}}}',
        headers: { 'content-type': 'application/json' },
      },
      400,
      'malformed_json',
    ],
    [
      'array instead of object',
      { payload: '[1,2]', headers: { 'content-type': 'application/json' } },
      400,
      'validation_failed',
    ],
  ];
  for (const [name, req, status, type] of bad) {
    it(`bad input: ${name} ⇒ ${status} ${type}`, async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/test/echo', ...req });
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json();
      assert.equal(body.type, type);
      assert.equal(body.status, status);
      assert.equal(typeof body.title, 'string');
    });
  }

  it('validation problems name the offending field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/test/echo', payload: { name: 42 } });
    assert.ok(
      res.json().errors.some((e: { path: string }) => e.path === 'body.name'),
      res.body,
    );
  });

  it('good input passes', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/test/echo', payload: { name: 'Ada', age: 36 } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { got: { name: 'Ada', age: 36 } });
  });

  it('5xx never leaks details', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/boom' });
    assert.equal(res.statusCode, 500);
    assert.equal(res.json().type, 'internal_error');
    assert.doesNotMatch(res.body, /hunter2|secret|stack|at /);
  });

  it('sets security headers (helmet, CSP, permissions policy)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['permissions-policy']), /camera=\(self\)/);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  it('serves Prometheus metrics labelled by route pattern', async () => {
    await t.app.inject({ method: 'GET', url: '/api/health' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /medichat_http_request_duration_seconds_bucket\{[^}]*route="\/api\/health"/);
    assert.match(res.body, /medichat_process_cpu_seconds_total/);
  });

  it('serves an OpenAPI 3.1 document generated from the Zod schemas, and the docs UI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/health']?.get, 'health path documented');
    assert.ok(doc.paths['/api/test/echo']?.post?.requestBody, 'request body schema documented');
    const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
  });
});

describe('rate limits', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  after(() => t.close());

  it('answers 429 problem+json with Retry-After past the limit; health stays exempt', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await t.app.inject({ method: 'GET', url: '/api/nope' })).statusCode);
    assert.deepEqual(codes, [404, 404, 404, 429]);
    const res = await t.app.inject({ method: 'GET', url: '/api/nope' });
    assert.equal(res.json().type, 'rate_limited');
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode, 200);
  });
});

describe('CORS allowlist', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ CORS_ORIGINS: 'https://clinic.example' });
  });
  after(() => t.close());

  it('allows listed origins only', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/api/health', headers: { origin: 'https://clinic.example' } });
    assert.equal(ok.headers['access-control-allow-origin'], 'https://clinic.example');
    const no = await t.app.inject({ method: 'GET', url: '/api/health', headers: { origin: 'https://evil.example' } });
    assert.equal(no.headers['access-control-allow-origin'], undefined);
  });
});

describe('web app on the same port', () => {
  let t: TestApp;
  const web = mkdtempSync(join(tmpdir(), 'medichat-web-'));
  before(async () => {
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><title>Medichat</title><script>document.documentElement.dataset.x="1"</script>',
    );
    writeFileSync(join(web, 'assets', 'app-abc123.js'), 'console.log(1)');
    t = await createTestApp({ WEB_DIST_DIR: web });
  });
  after(async () => {
    await t.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('serves index.html for deep links, assets with long caching, and the inline script hash in CSP', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/card/print', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>Medichat<\/title>/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self' 'sha256-/);
    const asset = await t.app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /immutable/);
  });

  it('API paths never fall back to the page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/unknown', headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().type, 'not_found');
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, then refuses new ones', async () => {
    const t = await withEchoRoutes(await createTestApp());
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as { port: number };
    const inflight = fetch(`http://127.0.0.1:${port}/api/test/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = t.close();
    const res = await inflight;
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { done: true });
    await closing;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/api/health`));
  });
});
