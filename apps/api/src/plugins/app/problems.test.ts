/**
 * Every error is problem+json, including the ones raised before a route runs: the router's 414 (a
 * path parameter over maxParamLength), Node's HTTP parser's 431 (headers too large), and 405 for a
 * method no route declares on an existing path (with Allow). Authorization comes before validation:
 * an invalid body to a protected route without a token is a 401, not a 400 describing the body.
 * Through a real listening server (431 never reaches Fastify's request pipeline).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fastAuthEnv, registerAccount } from '../../modules/account/auth.test-helpers.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { MAX_PARAM_LENGTH } from './error-handler.js';

describe('problem+json from the router and the HTTP parser; guards before validation', () => {
  let t: TestApp;
  let base = '';
  before(async () => {
    t = await createTestApp(fastAuthEnv);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });
  after(() => t.close());

  const problem = async (res: Response) => {
    assert.match(String(res.headers.get('content-type')), /^application\/problem\+json/);
    return (await res.json()) as { type: string; status: number; detail?: string };
  };

  it('414 for a path parameter over the limit', async () => {
    const res = await fetch(`${base}/api/users/${'a'.repeat(MAX_PARAM_LENGTH + 1)}/avatar/x`);
    assert.equal(res.status, 414);
    const body = await problem(res);
    assert.equal(body.type, 'uri_too_long');
    assert.equal(body.status, 414);
  });

  it('a path parameter the document calls too long reaches validation: 400, not 414', async () => {
    // The QR token is documented as maxLength 512; 513 four-byte characters encode to 6 156.
    const res = await fetch(`${base}/api/emergency/${encodeURIComponent('\u{1F600}'.repeat(513))}`);
    assert.equal(res.status, 400);
    assert.equal((await problem(res)).type, 'validation_failed');
  });

  it('a method no route declares (QUERY) is a 405 with Allow before any body parsing; 404 off the map', async () => {
    const res = await fetch(`${base}/api/auth/guest`, { method: 'QUERY' });
    assert.equal(res.status, 405);
    assert.match(String(res.headers.get('allow')), /POST/);
    assert.equal((await problem(res)).type, 'method_not_allowed');
    const missing = await fetch(`${base}/api/no-such-thing`, { method: 'QUERY' });
    assert.equal(missing.status, 404);
    assert.equal((await problem(missing)).type, 'not_found');
  });

  it('a multipart body without a boundary is a 400, not a 500', async () => {
    const account = await registerAccount(t.app);
    const res = await fetch(`${base}/api/users/me/avatar`, {
      method: 'PUT',
      headers: { ...account.auth, 'content-type': 'multipart/form-data' },
      body: 'x',
    });
    assert.equal(res.status, 400);
    assert.equal((await problem(res)).type, 'bad_request');
  });

  it('routes that answer 204 declare 204 in the document', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const [path, method] of [
      ['/api/auth/logout', 'post'],
      ['/api/auth/logout-all', 'post'],
      ['/api/users/me/avatar', 'delete'],
      ['/api/users/me/pin', 'put'],
      ['/api/users/me/pin', 'delete'],
    ] as const) {
      const responses = doc.paths[path]?.[method]?.responses ?? {};
      assert.ok(responses['204'], `${method} ${path}`);
      assert.equal(responses['200'], undefined, `${method} ${path}`);
    }
  });

  it('431 for headers over the size limit, written by the client-error handler', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port: Number(new URL(base).port) }, () => {
        sock.write(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let data = '';
      sock.on('data', (c: Buffer) => (data += c.toString()));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 431 /);
    assert.match(raw, /content-type: application\/problem\+json/i);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { type: string; status: number };
    assert.deepEqual([body.type, body.status], ['headers_too_large', 431]);
  });

  it('405 with Allow for a method no route declares on an existing path; 404 stays 404', async () => {
    const res = await fetch(`${base}/api/users/me`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    const allow = String(res.headers.get('allow'));
    assert.ok(allow.includes('GET') && allow.includes('PATCH'), allow);
    assert.equal((await problem(res)).type, 'method_not_allowed');
    // A parametric path too.
    const avatar = await fetch(`${base}/api/users/0190a0a0-0000-7000-8000-000000000000/avatar/${'a'.repeat(32)}`, {
      method: 'POST',
    });
    assert.equal(avatar.status, 405);
    const missing = await fetch(`${base}/api/no-such-thing`, { method: 'DELETE' });
    assert.equal(missing.status, 404);
    assert.equal((await problem(missing)).type, 'not_found');
  });

  it('authorization before validation: no token + invalid body = 401; with a token = 400', async () => {
    const bad = { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"displayName": 5}' };
    const anon = await fetch(`${base}/api/users/me`, bad);
    assert.equal(anon.status, 401);
    assert.equal((await problem(anon)).type, 'unauthorized');
    const account = await registerAccount(t.app);
    const authed = await fetch(`${base}/api/users/me`, { ...bad, headers: { ...bad.headers, ...account.auth } });
    assert.equal(authed.status, 400);
    assert.equal((await problem(authed)).type, 'validation_failed');
  });

  it('the OpenAPI document declares problem+json errors on every operation', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as {
      components: { schemas: Record<string, { required?: string[] }> };
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    assert.deepEqual(doc.components.schemas.Problem?.required, ['type', 'title', 'status']);
    let ops = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const code of ['4XX', '5XX']) {
          assert.ok(op.responses[code]?.content?.['application/problem+json'], `${method} ${path} ${code}`);
        }
        // Errors a route names itself are problem+json too, never application/json.
        for (const [code, response] of Object.entries(op.responses)) {
          if (/^[45]/.test(code))
            assert.equal(response.content?.['application/json'], undefined, `${method} ${path} ${code}`);
        }
        ops++;
      }
    }
    assert.ok(ops > 20, `${ops} operations`);
  });
});
