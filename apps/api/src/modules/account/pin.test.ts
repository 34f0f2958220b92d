/**
 * PIN: setting it (password re-check, weak PINs refused), PIN login, the lockout with growing
 * back-off, parallel guessing, audit of every failure and lock, and no hint whether a user id
 * exists. On SQLite and, when configured, MongoDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../../testing/test-app.js';
import {
  createIdentityTestApp,
  problemShape,
  registerAccount,
  testEngines,
  type Account,
} from './auth.test-helpers.js';
import { lockDurationMs } from './pin-guard.js';

const PIN = '480215';

describe('lock durations', () => {
  it('4 free wrong PINs, then 1, 2, 4 … minutes, capped at 24 h', () => {
    assert.deepEqual([1, 2, 3, 4].map(lockDurationMs), [0, 0, 0, 0]);
    assert.deepEqual(
      [5, 6, 7, 8].map((n) => lockDurationMs(n) / 60_000),
      [1, 2, 4, 8],
    );
    assert.equal(lockDurationMs(16), 24 * 3_600_000);
    assert.equal(lockDurationMs(500), 24 * 3_600_000);
  });
});

for (const engine of testEngines) {
  describe(`PIN on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createIdentityTestApp(engine);
    });
    after(() => t.close());

    const setPin = (a: Account, body: object) =>
      t.app.inject({ method: 'PUT', url: '/api/users/me/pin', headers: a.auth, payload: body });
    const pinLogin = (userId: string, pin: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/pin-login', payload: { userId, pin } });
    const withPin = async () => {
      const a = await registerAccount(t.app);
      assert.equal((await setPin(a, { pin: PIN, password: a.password })).statusCode, 204);
      return a;
    };
    const expireLock = (userId: string) =>
      t.app.storage.users.update(userId, { set: { pinLockedUntil: new Date(Date.now() - 1000) } });

    it('setting a PIN needs the password, 4–8 digits, and not an obvious one', async () => {
      const a = await registerAccount(t.app);
      const cases: Array<[object, number]> = [
        [{ pin: PIN, password: 'wrong-password-here' }, 403],
        [{ pin: '12a4', password: a.password }, 400],
        [{ pin: '123', password: a.password }, 400],
        [{ pin: '123456789', password: a.password }, 400],
        [{ pin: 4802, password: a.password }, 400],
        [{ pin: { $gt: '' }, password: a.password }, 400],
        [{ pin: PIN }, 400],
        [{ pin: PIN, password: a.password, extra: 1 }, 400],
        [{ pin: '1234', password: a.password }, 400],
        [{ pin: '0000', password: a.password }, 400],
        [{ pin: '9876', password: a.password }, 400],
      ];
      for (const [body, status] of cases) {
        const res = await setPin(a, body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      }
      assert.equal((await t.app.storage.users.get(a.userId))?.pinHash, null, 'nothing changed');
      assert.equal(
        (await t.app.inject({ method: 'PUT', url: '/api/users/me/pin', payload: { pin: PIN, password: a.password } }))
          .statusCode,
        401,
      );
      assert.equal((await setPin(a, { pin: PIN, password: a.password })).statusCode, 204);
      const stored = (await t.app.storage.users.get(a.userId))!;
      assert.match(stored.pinHash!, /^\$argon2id\$/);
      const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: a.auth });
      assert.equal(me.json().user.hasPin, true);
      assert.equal(await t.app.storage.auditLog.count({ subjectId: a.userId, action: 'pin.set' }), 1);
    });

    it('removing the PIN needs the password; then PIN login stops and the QR no longer asks for it', async () => {
      const a = await withPin();
      const removePin = (body: unknown, headers: Record<string, string> = a.auth) =>
        t.app.inject({ method: 'DELETE', url: '/api/users/me/pin', headers, payload: body as object });
      const refused: Array<[unknown, number]> = [
        [{ password: 'wrong-password-here' }, 403],
        [{}, 400],
        [{ password: { $gt: '' } }, 400],
        [{ password: a.password, pin: PIN }, 400],
      ];
      for (const [body, status] of refused) {
        assert.equal((await removePin(body)).statusCode, status, JSON.stringify(body));
      }
      assert.equal((await removePin({ password: a.password }, {})).statusCode, 401);
      assert.ok((await t.app.storage.users.get(a.userId))?.pinHash, 'nothing changed');
      assert.equal((await pinLogin(a.userId, PIN)).statusCode, 200);

      assert.equal((await removePin({ password: a.password })).statusCode, 204);
      assert.equal((await t.app.storage.users.get(a.userId))?.pinHash, null);
      assert.equal((await pinLogin(a.userId, PIN)).statusCode, 401);
      const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: a.auth });
      assert.equal(me.json().user.hasPin, false);
      const qr = (await t.app.inject({ method: 'POST', url: '/api/qr', headers: a.auth })).json().qr as string;
      const qrLogin = await t.app.inject({ method: 'POST', url: '/api/auth/qr-login', payload: { qr } });
      assert.equal(qrLogin.statusCode, 200, 'the QR alone signs in again');
      // Again: harmless, and audited once.
      assert.equal((await removePin({ password: a.password })).statusCode, 204);
      assert.equal(await t.app.storage.auditLog.count({ subjectId: a.userId, action: 'pin.removed' }), 1);
    });

    it('PIN login signs in with the right PIN', async () => {
      const a = await withPin();
      const res = await pinLogin(a.userId, PIN);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.id, a.userId);
      assert.ok(res.cookies.some((c) => c.name === 'medichat_refresh'));
    });

    it('unknown id, account without a PIN and wrong PIN answer the same', async () => {
      const a = await withPin();
      const noPin = await registerAccount(t.app);
      const wrong = await pinLogin(a.userId, '111222');
      const unknown = await pinLogin('0190a1b2-0000-7000-8000-000000000000', '111222');
      const none = await pinLogin(noPin.userId, '111222');
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().type, 'invalid_credentials');
      assert.deepEqual(problemShape(unknown), problemShape(wrong));
      assert.deepEqual(problemShape(none), problemShape(wrong));
    });

    it('5 wrong PINs lock PIN login (423 with retryAfter) even for the right PIN; all audited', async () => {
      const a = await withPin();
      for (let i = 1; i <= 5; i++) {
        const res = await pinLogin(a.userId, '111222');
        assert.equal(res.statusCode, 401, `attempt ${i}`);
      }
      const sixth = await pinLogin(a.userId, '111222');
      assert.equal(sixth.statusCode, 423);
      assert.equal(sixth.json().type, 'locked');
      assert.ok(sixth.json().retryAfter > 50 && sixth.json().retryAfter <= 60, sixth.body);
      assert.equal(sixth.headers['retry-after'], String(sixth.json().retryAfter));
      assert.equal((await pinLogin(a.userId, PIN)).statusCode, 423, 'locked for the right PIN too');
      const stored = (await t.app.storage.users.get(a.userId))!;
      assert.equal(stored.pinFailures, 5, 'attempts refused while locked are not counted');
      assert.equal(await t.app.storage.auditLog.count({ subjectId: a.userId, action: 'pin.failed' }), 5);
      assert.equal(await t.app.storage.auditLog.count({ subjectId: a.userId, action: 'pin.locked' }), 1);
      // Password login is unaffected.
      const pw = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: a.email, password: a.password },
      });
      assert.equal(pw.statusCode, 200);
    });

    it('after the lock each further wrong PIN locks for twice as long; a right PIN resets', async () => {
      const a = await withPin();
      for (let i = 0; i < 5; i++) await pinLogin(a.userId, '111222');
      await expireLock(a.userId);
      assert.equal((await pinLogin(a.userId, '111222')).statusCode, 401);
      const locked = await pinLogin(a.userId, '111222');
      assert.equal(locked.statusCode, 423);
      assert.ok(locked.json().retryAfter > 110 && locked.json().retryAfter <= 120, locked.body);
      await expireLock(a.userId);
      assert.equal((await pinLogin(a.userId, PIN)).statusCode, 200);
      const stored = (await t.app.storage.users.get(a.userId))!;
      assert.equal(stored.pinFailures, 0);
      assert.equal(stored.pinLockedUntil, null);
      assert.equal((await pinLogin(a.userId, '111222')).statusCode, 401, 'a fresh allowance after success');
    });

    it('20 parallel wrong guesses: at most 5 are checked before the lock', async () => {
      const a = await withPin();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pinLogin(a.userId, String(100000 + i))));
      const codes = results.map((r) => r.statusCode);
      assert.equal(codes.filter((c) => c === 401).length, 5, codes.join(','));
      assert.equal(codes.filter((c) => c === 423).length, 15, codes.join(','));
      assert.equal((await t.app.storage.users.get(a.userId))?.pinFailures, 5);
      assert.equal(await t.app.storage.auditLog.count({ subjectId: a.userId, action: 'pin.failed' }), 5);
      assert.equal((await pinLogin(a.userId, PIN)).statusCode, 423);
    });

    it('an unknown user id locks the same way (no existence oracle)', async () => {
      const id = '0190a1b2-0000-7000-8000-00000000abcd';
      for (let i = 0; i < 5; i++) assert.equal((await pinLogin(id, '111222')).statusCode, 401);
      const res = await pinLogin(id, '111222');
      assert.equal(res.statusCode, 423);
      assert.ok(res.json().retryAfter > 50);
    });

    it('the owner sees failures and locks in their audit trail', async () => {
      const a = await withPin();
      for (let i = 0; i < 5; i++) await pinLogin(a.userId, '111222');
      const res = await t.app.inject({ method: 'GET', url: '/api/users/me/audit?limit=100', headers: a.auth });
      assert.equal(res.statusCode, 200);
      const actions = res.json().items.map((e: { action: string }) => e.action);
      assert.equal(actions.filter((x: string) => x === 'pin.failed').length, 5);
      assert.ok(actions.includes('pin.locked'));
      const failed = res.json().items.find((e: { action: string }) => e.action === 'pin.failed');
      assert.equal(failed.actor, 'anonymous');
      assert.equal(failed.ip, '127.0.0.1');
    });
  });
}
