/**
 * Accounts and sessions through the real app (inject) on SQLite and, when configured, MongoDB:
 * register, login, refresh rotation and reuse, logout, guests and their chats, the auth guards,
 * forged tokens, enumeration, compensation when the card write fails, the first admin, roles and
 * rate limits.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import { openStorage, type Storage } from '../../engines/storage/index.js';
import { deriveKey } from '../../lib/crypto.js';
import { createTestApp, mongoTestUri, type TestApp } from '../../testing/test-app.js';
import {
  ensurePrincipal,
  getPrincipal,
  requireRole,
  requireUserOrGuest,
  verifyAccessToken,
} from '../../plugins/app/auth.js';
import {
  bearer,
  createIdentityTestApp,
  fastAuthEnv,
  GOOD_PASSWORD,
  problemShape,
  refreshCookieOf,
  registerAccount,
  testEngines,
  uniqueEmail,
} from './auth.test-helpers.js';
import { ensureBootstrapAdmin } from './account.service.js';
import { AUDIENCE, ISSUER } from './token.service.js';

function addProbeRoutes(t: TestApp): TestApp {
  t.app.get('/api/test/whoami', { preHandler: ensurePrincipal }, async (request) => ({
    principal: getPrincipal(request),
    guestToken: request.guestToken ?? undefined,
  }));
  t.app.get('/api/test/user-or-guest', { preHandler: requireUserOrGuest }, async (request) => ({
    principal: getPrincipal(request),
  }));
  t.app.get('/api/test/admin', { preHandler: requireRole('admin') }, async (request) => ({
    principal: getPrincipal(request),
  }));
  return t;
}

for (const engine of testEngines) {
  describe(`accounts and sessions on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = addProbeRoutes(await createIdentityTestApp(engine, { BODY_LIMIT_BYTES: '4096' }));
    });
    after(() => t.close());

    const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/users/me', headers });
    const refresh = (cookie?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        ...(cookie ? { cookies: { medichat_refresh: cookie } } : {}),
      });

    it('registers: user, empty card, access token and a strict refresh cookie', async () => {
      const email = uniqueEmail('Reg');
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: `  ${email.toUpperCase()} `, password: GOOD_PASSWORD, displayName: 'Ada' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.equal(body.user.email, email.toLowerCase());
      assert.equal(body.user.role, 'patient');
      assert.equal(body.user.displayName, 'Ada');
      assert.equal(body.user.hasPin, false);
      assert.equal(body.tokenType, 'Bearer');
      assert.equal(body.expiresIn, 600);
      assert.deepEqual(body.card.allergies, []);
      assert.equal(body.card.bmi, null);
      assert.equal(body.card.qrVersion, 0);
      assert.ok(!('passwordHash' in body.user) && !res.body.includes('argon2'));
      const cookie = res.cookies.find((c) => c.name === 'medichat_refresh')!;
      assert.ok(cookie.value.length >= 40);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.path, '/api/auth');
      assert.equal(cookie.secure, undefined, 'not Secure over plain HTTP');
      assert.ok(cookie.expires && cookie.expires.getTime() > Date.now() + 29 * 86_400_000);
      assert.equal((await me(bearer(body.accessToken))).statusCode, 200);
    });

    it('email is unique after normalisation: 409 conflict with a neutral message', async () => {
      const email = uniqueEmail('dup');
      await registerAccount(t.app, { email });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: ` ${email.toUpperCase()}`, password: 'another-long-passphrase-9' },
      });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().type, 'conflict');
      assert.doesNotMatch(res.json().detail, /already (exists|registered)|taken/i);
      assert.equal(await t.app.storage.users.count({ email: email.toLowerCase() }), 1);
    });

    it('refuses weak passwords and creates nothing', async () => {
      const email = uniqueEmail('weak');
      for (const password of [
        'short',
        'password1234',
        'Iloveyou2024!',
        'qwertyuiop',
        'aaaaaaaaaaaa',
        email,
        'x'.repeat(129),
      ]) {
        const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
        assert.equal(res.statusCode, 400, `${password}: ${res.body}`);
        assert.ok(['weak_password', 'validation_failed'].includes(res.json().type), res.body);
        assert.ok(
          res.json().errors.some((e: { path: string }) => e.path === 'body.password'),
          res.body,
        );
      }
      assert.equal(await t.app.storage.users.count({ email }), 0);
    });

    it('login: the same answer for an unknown email and a wrong password', async () => {
      const a = await registerAccount(t.app);
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email.toUpperCase(), password: a.password },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().user.id, a.userId);
      assert.ok(refreshCookieOf(ok));
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email, password: 'not-the-password-1' },
      });
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: uniqueEmail('nobody'), password: 'not-the-password-1' },
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().type, 'invalid_credentials');
      assert.deepEqual(problemShape(wrong), problemShape(unknown));
      assert.equal(wrong.headers['www-authenticate'], unknown.headers['www-authenticate']);
      assert.equal(refreshCookieOf(wrong), undefined);
    });

    it('refresh rotates; a reused refresh token revokes the whole family', async () => {
      const a = await registerAccount(t.app);
      const r1 = await refresh(a.refreshCookie);
      assert.equal(r1.statusCode, 200, r1.body);
      const c1 = refreshCookieOf(r1)!;
      assert.ok(c1 && c1 !== a.refreshCookie);
      assert.equal((await me(bearer(r1.json().accessToken))).statusCode, 200);
      const r2 = await refresh(c1);
      assert.equal(r2.statusCode, 200);
      const c2 = refreshCookieOf(r2)!;
      // The first token again: reuse. 401, and the newest token of the family is dead too.
      const reuse = await refresh(a.refreshCookie);
      assert.equal(reuse.statusCode, 401);
      assert.equal(reuse.json().type, 'unauthorized');
      assert.equal((await refresh(c2)).statusCode, 401);
      // Another sign-in (another family) is unaffected.
      const other = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email, password: a.password },
      });
      assert.equal((await refresh(refreshCookieOf(other))).statusCode, 200);
      const audit = await t.app.storage.auditLog.count({ subjectId: a.userId, action: 'auth.refresh_reuse' });
      assert.equal(audit, 1);
    });

    it('refresh without a cookie or with garbage is 401', async () => {
      assert.equal((await refresh()).statusCode, 401);
      assert.equal((await refresh('garbage')).statusCode, 401);
      assert.equal((await refresh('x'.repeat(5000))).statusCode, 401);
    });

    it('logout revokes the family and clears the cookie', async () => {
      const a = await registerAccount(t.app);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        cookies: { medichat_refresh: a.refreshCookie },
      });
      assert.equal(res.statusCode, 204);
      const cleared = res.cookies.find((c) => c.name === 'medichat_refresh')!;
      assert.equal(cleared.value, '');
      assert.equal(cleared.path, '/api/auth');
      assert.ok(cleared.expires! <= new Date() || cleared.maxAge === 0);
      assert.equal((await refresh(a.refreshCookie)).statusCode, 401);
      // Logging out again (or without a cookie) is harmless.
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode, 204);
    });

    it('an access token stops at once when its session is signed out or revoked, not at its expiry', async () => {
      const a = await registerAccount(t.app);
      const rotated = await refresh(a.refreshCookie);
      const newer = rotated.json().accessToken as string;
      // Both the first token and the one after a rotation belong to the live family.
      assert.equal((await me(bearer(a.accessToken))).statusCode, 200);
      assert.equal((await me(bearer(newer))).statusCode, 200);
      const other = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email, password: a.password },
      });
      const otherToken = other.json().accessToken as string;

      const out = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        cookies: { medichat_refresh: refreshCookieOf(rotated)! },
      });
      assert.equal(out.statusCode, 204);
      for (const token of [a.accessToken, newer]) {
        const res = await me(bearer(token));
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().type, 'unauthorized');
        assert.match(res.json().detail, /session has ended/);
      }
      // The other device (another family) goes on.
      assert.equal((await me(bearer(otherToken))).statusCode, 200);
      // A reused refresh token revokes its family: that family's access tokens stop too.
      await refresh(refreshCookieOf(other));
      assert.equal((await refresh(refreshCookieOf(other))).statusCode, 401);
      assert.equal((await me(bearer(otherToken))).statusCode, 401);
      await assert.rejects(verifyAccessToken(t.app, otherToken), { status: 401 });
    });

    it('changing the password: the current one is asked for, the policy holds, other devices are signed out', async () => {
      const a = await registerAccount(t.app);
      const other = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email, password: a.password },
      });
      const change = (body: unknown, headers: Record<string, string> = bearer(a.accessToken)) =>
        t.app.inject({ method: 'PUT', url: '/api/users/me/password', headers, payload: body as object });
      const NEW = 'quiet-meadow-compass-77';
      const refused: Array<[unknown, number, string]> = [
        [{ currentPassword: 'wrong-password-here', newPassword: NEW }, 403, 'invalid_credentials'],
        [{ currentPassword: a.password, newPassword: 'short' }, 400, 'validation_failed'],
        [{ currentPassword: a.password, newPassword: 'password1234' }, 400, 'weak_password'],
        [{ currentPassword: a.password, newPassword: a.email }, 400, 'weak_password'],
        [{ currentPassword: a.password, newPassword: a.password }, 400, 'weak_password'],
        [{ currentPassword: a.password }, 400, 'validation_failed'],
        [{ currentPassword: a.password, newPassword: { $gt: '' } }, 400, 'validation_failed'],
        [{ currentPassword: a.password, newPassword: NEW, extra: true }, 400, 'validation_failed'],
      ];
      const before = (await t.app.storage.users.get(a.userId))!.passwordHash;
      for (const [body, status, type] of refused) {
        const res = await change(body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json().type, type, JSON.stringify(body));
      }
      assert.equal((await change({ currentPassword: a.password, newPassword: NEW }, {})).statusCode, 401);
      assert.equal((await t.app.storage.users.get(a.userId))!.passwordHash, before, 'nothing changed');
      assert.equal((await me(bearer(other.json().accessToken))).statusCode, 200);

      const res = await change({ currentPassword: a.password, newPassword: NEW });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { otherSessionsEnded: 1 });
      // This device goes on (access token and refresh cookie); the other one is signed out.
      assert.equal((await me(bearer(a.accessToken))).statusCode, 200);
      assert.equal((await refresh(a.refreshCookie)).statusCode, 200);
      assert.equal((await me(bearer(other.json().accessToken))).statusCode, 401);
      assert.equal((await refresh(refreshCookieOf(other))).statusCode, 401);
      const login = (password: string) =>
        t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: a.email, password } });
      assert.equal((await login(a.password)).statusCode, 401, 'the old password no longer works');
      assert.equal((await login(NEW)).statusCode, 200);
      assert.equal(await t.app.storage.auditLog.count({ subjectId: a.userId, action: 'password.changed' }), 1);
    });

    it('logout-all ends every session of the user on every device, and only theirs', async () => {
      const a = await registerAccount(t.app);
      const b = await registerAccount(t.app);
      const logins = await Promise.all(
        [1, 2].map(() =>
          t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: a.email, password: a.password } }),
        ),
      );
      const devices = [
        { access: a.accessToken, cookie: a.refreshCookie },
        ...logins.map((l) => ({ access: l.json().accessToken as string, cookie: refreshCookieOf(l)! })),
      ];
      // Without a user token: 401 and nothing revoked.
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/auth/logout-all' })).statusCode, 401);
      const guest = await t.app.inject({ method: 'POST', url: '/api/auth/guest' });
      const asGuest = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout-all',
        headers: bearer(guest.json().guestToken),
      });
      assert.equal(asGuest.statusCode, 401);
      assert.equal((await me(bearer(devices[0]!.access))).statusCode, 200);

      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout-all',
        headers: bearer(devices[1]!.access),
      });
      assert.equal(res.statusCode, 204);
      assert.equal(res.cookies.find((c) => c.name === 'medichat_refresh')?.value, '');
      for (const d of devices) {
        assert.equal((await me(bearer(d.access))).statusCode, 401);
        assert.equal((await refresh(d.cookie)).statusCode, 401);
      }
      // Someone else is untouched.
      assert.equal((await me(bearer(b.accessToken))).statusCode, 200);
      assert.equal((await refresh(b.refreshCookie)).statusCode, 200);
      const trail = await t.app.storage.auditLog.find({ subjectId: a.userId, action: 'auth.logout_all' });
      assert.equal(trail.length, 1);
      assert.equal(trail[0]!.detail?.sessions, 3);
      // Signing in again works, and only the new session is live.
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email, password: a.password },
      });
      assert.equal((await me(bearer(again.json().accessToken))).statusCode, 200);
    });

    it('refuses forged, tampered, wrong-algorithm and alg:none tokens; tells an expired one apart', async () => {
      const a = await registerAccount(t.app);
      const key = new Uint8Array(deriveKey(t.config.secrets.jwtSecret, 'access-token'));
      const now = Math.floor(Date.now() / 1000);
      const claims = { role: 'patient', sid: 'x' };
      const sign = (
        alg: string,
        k: Parameters<SignJWT['sign']>[0],
        opts: { iss?: string; aud?: string; exp?: number } = {},
      ) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg })
          .setSubject(a.userId)
          .setIssuer(opts.iss ?? ISSUER)
          .setAudience(opts.aud ?? AUDIENCE)
          .setIssuedAt(now - 10)
          .setExpirationTime(opts.exp ?? now + 600)
          .sign(k);
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const { privateKey } = await generateKeyPair('RS256');
      const [h, , s] = a.accessToken.split('.');
      const forged: Array<[string, string]> = [
        [
          'alg none',
          `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: a.userId, role: 'admin', sid: 'x', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 })}.`,
        ],
        ['other secret', await sign('HS256', new Uint8Array(randomBytes(32)))],
        [
          'raw JWT_SECRET instead of the derived key',
          await sign('HS256', new TextEncoder().encode(t.config.secrets.jwtSecret)),
        ],
        ['HS512 with the right key', await sign('HS512', key)],
        ['RS256', await sign('RS256', privateKey)],
        ['wrong issuer', await sign('HS256', key, { iss: 'someone-else' })],
        ['wrong audience', await sign('HS256', key, { aud: 'other-api' })],
        [
          'tampered payload',
          `${h}.${b64({ sub: a.userId, role: 'admin', sid: 'x', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 })}.${s}`,
        ],
        ['not a JWT', 'hello'],
      ];
      for (const [name, token] of forged) {
        const res = await me(bearer(token));
        assert.equal(res.statusCode, 401, name);
        assert.equal(res.json().type, 'unauthorized', name);
      }
      const expired = await me(bearer(await sign('HS256', key, { exp: now - 60 })));
      assert.equal(expired.statusCode, 401);
      assert.equal(expired.json().type, 'token_expired');
      // An expired token signed by someone else is just invalid, not "expired".
      const expiredForged = await me(bearer(await sign('HS256', new Uint8Array(randomBytes(32)), { exp: now - 60 })));
      assert.equal(expiredForged.json().type, 'unauthorized');
      for (const header of ['Basic abc', 'Bearer', 'Bearer a b', `bearer ${a.accessToken} x`]) {
        assert.equal((await me({ authorization: header })).statusCode, 401, header);
      }
      assert.equal((await me({})).json().type, 'unauthorized');
    });

    it('ensurePrincipal creates a guest session when there is no token, and reuses it', async () => {
      const first = await t.app.inject({ method: 'GET', url: '/api/test/whoami' });
      assert.equal(first.statusCode, 200);
      const token = first.headers['x-guest-token'] as string;
      assert.ok(token);
      assert.equal(first.json().guestToken, token);
      const p = first.json().principal;
      assert.equal(p.kind, 'guest');
      assert.equal(p.role, 'guest');
      assert.equal(p.id, `guest:${p.sessionId}`);
      assert.equal(p.userId, undefined);
      const again = await t.app.inject({ method: 'GET', url: '/api/test/whoami', headers: bearer(token) });
      assert.equal(again.json().principal.id, p.id);
      assert.equal(again.headers['x-guest-token'], undefined);
      // A bad token is never silently replaced by a new guest.
      const bad = await t.app.inject({ method: 'GET', url: '/api/test/whoami', headers: bearer('nope') });
      assert.equal(bad.statusCode, 401);
      // A guest is not a user.
      assert.equal((await me(bearer(token))).statusCode, 401);
      const session = await t.app.storage.sessions.get(p.sessionId);
      assert.equal(session?.kind, 'guest');
      assert.ok(session!.expiresAt.getTime() > Date.now() + 23 * 3_600_000);
    });

    it('a guest token stops working once its session expired or was revoked', async () => {
      const g = await t.app.inject({ method: 'POST', url: '/api/auth/guest' });
      assert.equal(g.statusCode, 201);
      const token = g.json().guestToken;
      const probe = () => t.app.inject({ method: 'GET', url: '/api/test/user-or-guest', headers: bearer(token) });
      assert.equal((await probe()).statusCode, 200);
      const sid = (await probe()).json().principal.sessionId;
      await t.app.storage.sessions.update(sid, { set: { expiresAt: new Date(Date.now() - 1000) } });
      assert.equal((await probe()).statusCode, 401);
      const g2 = (await t.app.inject({ method: 'POST', url: '/api/auth/guest' })).json().guestToken;
      const sid2 = (await t.app.inject({ method: 'GET', url: '/api/test/user-or-guest', headers: bearer(g2) })).json()
        .principal.sessionId;
      await t.app.storage.sessions.update(sid2, { set: { revokedAt: new Date() } });
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/test/user-or-guest', headers: bearer(g2) })).statusCode,
        401,
      );
    });

    it('verifyAccessToken(app, token) gives the principal outside a route (Socket.IO)', async () => {
      const a = await registerAccount(t.app);
      const p = await verifyAccessToken(t.app, a.accessToken);
      assert.deepEqual(
        { kind: p.kind, id: p.id, userId: p.userId, role: p.role },
        { kind: 'user', id: a.userId, userId: a.userId, role: 'patient' },
      );
      assert.ok(p.sessionId);
      await assert.rejects(
        verifyAccessToken(t.app, 'nope'),
        (err: unknown) => (err as { status?: number }).status === 401,
      );
    });

    it('?token= is honoured only on WebSocket upgrade requests', async () => {
      const a = await registerAccount(t.app);
      const url = `/api/test/user-or-guest?token=${encodeURIComponent(a.accessToken)}`;
      assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 401);
      const ws = await t.app.inject({ method: 'GET', url, headers: { upgrade: 'websocket', connection: 'upgrade' } });
      assert.equal(ws.statusCode, 200, ws.body);
      assert.equal(ws.json().principal.userId, a.userId);
    });

    for (const via of ['register', 'login'] as const) {
      it(`${via} with a guest token moves the guest's chats to the account and ends the guest session`, async () => {
        const g = (await t.app.inject({ method: 'POST', url: '/api/auth/guest' })).json().guestToken as string;
        const who = (await t.app.inject({ method: 'GET', url: '/api/test/user-or-guest', headers: bearer(g) })).json()
          .principal;
        const now = new Date();
        const chatId = uuidv7();
        await t.app.storage.chats.insert({
          id: chatId,
          userId: who.id,
          title: 'headache',
          createdAt: now,
          updatedAt: now,
          expiresAt: new Date(Date.now() + 3_600_000),
        });
        let userId: string;
        if (via === 'register') {
          userId = (await registerAccount(t.app, { headers: bearer(g) })).userId;
        } else {
          const a = await registerAccount(t.app);
          userId = a.userId;
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { email: a.email, password: a.password },
            headers: bearer(g),
          });
          assert.equal(res.statusCode, 200);
        }
        const chat = await t.app.storage.chats.get(chatId);
        assert.equal(chat?.userId, userId);
        assert.ok(chat?.expiresAt == null, 'no longer expires with the guest session');
        assert.equal(
          (await t.app.inject({ method: 'GET', url: '/api/test/user-or-guest', headers: bearer(g) })).statusCode,
          401,
        );
      });
    }

    it('sign-in routes ignore an invalid guest token rather than failing', async () => {
      const a = await registerAccount(t.app);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email, password: a.password },
        headers: { authorization: 'Bearer not-a-token' },
      });
      assert.equal(res.statusCode, 200);
    });

    const badBodies: Array<[string, unknown]> = [
      ['wrong types', { email: 42, password: true }],
      ['missing password', { email: 'a@example.org' }],
      ['unknown field', { email: 'a@example.org', password: GOOD_PASSWORD, role: 'admin' }],
      ['Mongo operator as email', { email: { $gt: '' }, password: GOOD_PASSWORD }],
      ['Mongo operator as password', { email: 'a@example.org', password: { $gt: '' } }],
      [
        'Mongo operator as displayName',
        { email: 'a@example.org', password: GOOD_PASSWORD, displayName: { $ne: null } },
      ],
      ['not an email', { email: 'not-an-email', password: GOOD_PASSWORD }],
    ];
    for (const [name, payload] of badBodies) {
      it(`register refuses ${name} with 400 and creates nothing`, async () => {
        const before = await t.app.storage.users.count({});
        const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: payload as object });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().type, 'validation_failed');
        assert.equal(await t.app.storage.users.count({}), before);
      });
    }

    it('login and pin-login refuse operators and oversize bodies', async () => {
      const op = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'a@example.org', password: { $gt: '' } },
      });
      assert.equal(op.statusCode, 400);
      const pinOp = await t.app.inject({
        method: 'POST',
        url: '/api/auth/pin-login',
        payload: { userId: { $ne: null }, pin: '1234' },
      });
      assert.equal(pinOp.statusCode, 400);
      const big = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: 'x'.repeat(10_000) },
      });
      assert.equal(big.statusCode, 413);
    });

    it('roles: admin-only guard reads the current role; admins change roles; nobody else can', async () => {
      const admin = await registerAccount(t.app);
      await t.app.storage.users.update(admin.userId, { set: { role: 'admin' } });
      const patient = await registerAccount(t.app);
      // The admin's token still says patient, but the guard reads the role from storage.
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/test/admin', headers: admin.auth })).statusCode,
        200,
      );
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/test/admin', headers: patient.auth })).statusCode,
        403,
      );
      const change = (who: typeof admin, id: string, role: unknown) =>
        t.app.inject({ method: 'PATCH', url: `/api/admin/users/${id}/role`, headers: who.auth, payload: { role } });
      assert.equal((await change(patient, patient.userId, 'admin')).statusCode, 403);
      assert.equal((await t.app.storage.users.get(patient.userId))?.role, 'patient');
      const ok = await change(admin, patient.userId, 'clinician');
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().role, 'clinician');
      assert.equal((await change(admin, patient.userId, 'superuser')).statusCode, 400);
      assert.equal((await change(admin, 'no-such-user', 'admin')).statusCode, 404);
      assert.equal((await change(admin, admin.userId, 'patient')).statusCode, 403, 'no self-demotion');
      // The new role shows in the next refreshed token.
      const r = await refresh(patient.refreshCookie);
      assert.equal(r.json().user.role, 'clinician');
      assert.equal(await t.app.storage.auditLog.count({ subjectId: patient.userId, action: 'role.changed' }), 1);
    });
  });

  describe(`a refresh racing a sign-out everywhere on ${engine}`, () => {
    let storage: Storage;
    let t: TestApp;
    let beforeRefreshInsert: (() => Promise<void>) | null = null;
    const mongoDb = `mrr_${randomBytes(6).toString('hex')}`;
    before(async () => {
      storage = await openStorage(
        engine === 'mongodb'
          ? { mongodbUri: mongoTestUri!, mongodbDb: mongoDb, dataDir: mkdtempSync(join(tmpdir(), 'medichat-race-')) }
          : { dataDir: mkdtempSync(join(tmpdir(), 'medichat-race-')) },
      );
      // The real collection; a hook lets another request's write land just before a refresh's insert.
      const real = storage.sessions;
      const wrapped: typeof real = Object.create(real) as typeof real;
      wrapped.insert = async (doc) => {
        const hook = beforeRefreshInsert;
        if (hook && doc.kind === 'refresh') {
          beforeRefreshInsert = null;
          await hook();
        }
        return real.insert(doc);
      };
      t = await createIdentityTestApp(engine, engine === 'mongodb' ? { MONGODB_DB: mongoDb } : {}, {
        storage: { ...storage, sessions: wrapped },
      });
    });
    after(async () => {
      await t.close();
      await storage.close();
    });

    it('the refresh loses: its new token is revoked too, and the family stays ended', async () => {
      const a = await registerAccount(t.app);
      const other = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email, password: a.password },
      });
      let everywhere = 0;
      beforeRefreshInsert = async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/auth/logout-all',
          headers: bearer(other.json().accessToken),
        });
        everywhere = res.statusCode;
      };
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        cookies: { medichat_refresh: a.refreshCookie },
      });
      assert.equal(everywhere, 204, 'the sign-out everywhere ran in the middle of the refresh');
      assert.equal(res.statusCode, 401, res.body);
      const family = (await storage.sessions.findOne({ userId: a.userId, kind: 'refresh', usedAt: { exists: true } }))!
        .family!;
      assert.equal(await storage.sessions.count({ family, revokedAt: { exists: false } }), 0, 'no live token left');
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/users/me', headers: a.auth })).statusCode, 401);
    });
  });

  describe(`no user without a card on ${engine}`, () => {
    let storage: Storage;
    let t: TestApp;
    let failCards = false;
    const mongoDb = `mct_${randomBytes(6).toString('hex')}`;
    before(async () => {
      storage = await openStorage(
        engine === 'mongodb'
          ? { mongodbUri: mongoTestUri!, mongodbDb: mongoDb, dataDir: mkdtempSync(join(tmpdir(), 'medichat-comp-')) }
          : { dataDir: mkdtempSync(join(tmpdir(), 'medichat-comp-')) },
      );
      // The real collection, with an insert that fails on demand (no mock database).
      const real = storage.medicalCards;
      const wrapped: typeof real = Object.create(real) as typeof real;
      wrapped.insert = async (doc) => {
        if (failCards) throw new Error('disk full (simulated)');
        return real.insert(doc);
      };
      t = await createIdentityTestApp(engine, engine === 'mongodb' ? { MONGODB_DB: mongoDb } : {}, {
        storage: { ...storage, medicalCards: wrapped },
      });
    });
    after(async () => {
      await t.close();
      await storage.close();
    });

    it('a failed card write removes the user again; the email stays free', async () => {
      const email = uniqueEmail('comp');
      failCards = true;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: GOOD_PASSWORD },
      });
      failCards = false;
      assert.equal(res.statusCode, 500);
      assert.doesNotMatch(res.body, /disk full/);
      assert.equal(await storage.users.count({ email }), 0, 'no user without a card');
      assert.equal(refreshCookieOf(res), undefined);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: GOOD_PASSWORD },
      });
      assert.equal(login.statusCode, 401);
      const again = await registerAccount(t.app, { email });
      assert.ok(await storage.medicalCards.findOne({ userId: again.userId }));
    });
  });
}

describe('the first admin from config', () => {
  const email = 'root.admin@example.org';
  it('is created once at boot and can sign in; no password is ever defaulted', async () => {
    const t = await createIdentityTestApp('sqlite', { ADMIN_EMAIL: email, ADMIN_PASSWORD: 'correct-horse-battery-77' });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: 'correct-horse-battery-77' },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.role, 'admin');
      assert.equal(
        await ensureBootstrapAdmin(t.app.services, { email, password: 'something-else-entirely-1' }),
        'exists',
      );
      assert.equal(await t.app.storage.users.count({ role: 'admin' }), 1);
      assert.ok(await t.app.storage.medicalCards.findOne({ userId: res.json().user.id }), 'the admin has a card too');
    } finally {
      await t.close();
    }
  });

  it('a weak ADMIN_PASSWORD stops the boot, naming the variable', async () => {
    await assert.rejects(
      createIdentityTestApp('sqlite', { ADMIN_EMAIL: email, ADMIN_PASSWORD: 'password12345' }),
      /ADMIN_PASSWORD/,
    );
  });

  it('ADMIN_EMAIL without ADMIN_PASSWORD is a configuration error', async () => {
    await assert.rejects(createTestApp({ ADMIN_EMAIL: email }), /ADMIN_PASSWORD/);
  });
});

describe('auth rate limits and Secure cookies', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ ...fastAuthEnv, AUTH_RATE_LIMIT_MAX: '3', TRUST_PROXY: 'true' });
  });
  after(() => t.close());

  it('each sign-in route has its own tighter limit (429 problem with Retry-After)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { email: 'x@example.org', password: 'nope-nope-nope' },
          })
        ).statusCode,
      );
    }
    assert.deepEqual(codes, [401, 401, 401, 429]);
    const limited = await t.app.inject({
      method: 'POST',
      url: '/api/auth/pin-login',
      payload: { userId: 'abc', pin: '1234' },
    });
    assert.equal(limited.statusCode, 401, 'another route has its own budget');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'x@example.org', password: 'nope-nope-nope' },
    });
    assert.equal(res.json().type, 'rate_limited');
    assert.ok(Number(res.headers['retry-after']) > 0);
  });

  it('the refresh cookie is Secure when the request came over HTTPS', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: uniqueEmail('tls'), password: GOOD_PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.cookies.find((c) => c.name === 'medichat_refresh')?.secure, true);
  });
});
