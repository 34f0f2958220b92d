/**
 * PIN: setting it (password re-check, weak PINs refused), PIN login by user id and by email (a new
 * device), the lockout with growing back-off (one counter per account, whichever identifier is
 * used), parallel guessing, audit of every failure and lock, and no hint whether a user id or an
 * email exists (same answer, same lockout, same timing class). On SQLite and, when configured, MongoDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../../testing/test-app.js';
import {
  createIdentityTestApp,
  uniqueEmail,
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
    const pinLoginByEmail = (email: string, pin: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/pin-login', payload: { email, pin } });
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

    it('a new device signs in with email and PIN (email case and spaces do not matter)', async () => {
      const a = await withPin();
      const res = await pinLoginByEmail(`  ${a.email.toUpperCase()} `, PIN);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.id, a.userId);
      assert.ok(res.cookies.some((c) => c.name === 'medichat_refresh'));
      const audit = await t.app.storage.auditLog.find({ subjectId: a.userId, action: 'auth.login' });
      assert.equal(audit.at(-1)?.detail?.method, 'pin');
    });

    it('PIN sign-in input: one of email or user id, never both or neither; nothing changes on a 400', async () => {
      const a = await withPin();
      const bad: unknown[] = [
        { pin: PIN },
        { email: a.email, userId: a.userId, pin: PIN },
        { email: 'not-an-email', pin: PIN },
        { email: { $gt: '' }, pin: PIN },
        { email: a.email },
        { email: a.email, pin: 480215 },
      ];
      for (const payload of bad) {
        const res = await t.app.inject({ method: 'POST', url: '/api/auth/pin-login', payload: payload as object });
        assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      }
      assert.equal((await t.app.storage.users.get(a.userId))?.pinFailures ?? 0, 0, 'no attempt was counted');
    });

    it('unknown email, account without a PIN and wrong PIN by email answer the same', async () => {
      const a = await withPin();
      const noPin = await registerAccount(t.app);
      const wrong = await pinLoginByEmail(a.email, '111222');
      const unknown = await pinLoginByEmail(uniqueEmail('nobody'), '111222');
      const none = await pinLoginByEmail(noPin.email, '111222');
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().type, 'invalid_credentials');
      assert.equal(wrong.json().detail, 'The email or PIN is not correct.');
      assert.deepEqual(problemShape(unknown), problemShape(wrong));
      assert.deepEqual(problemShape(none), problemShape(wrong));
      assert.deepEqual(unknown.headers['www-authenticate'], wrong.headers['www-authenticate']);
    });

    it('by email: the account’s own counter (shared with the user id), and an unknown email locks the same way', async () => {
      const a = await withPin();
      for (let i = 0; i < 3; i++) assert.equal((await pinLoginByEmail(a.email, '111222')).statusCode, 401);
      for (let i = 0; i < 2; i++) assert.equal((await pinLogin(a.userId, '111222')).statusCode, 401);
      assert.equal((await t.app.storage.users.get(a.userId))?.pinFailures, 5, 'one counter for both identifiers');
      const real = await pinLoginByEmail(a.email, PIN);
      assert.equal(real.statusCode, 423, 'locked for the right PIN by email too');
      assert.equal((await pinLogin(a.userId, PIN)).statusCode, 423, 'and by user id');

      const nobody = uniqueEmail('nobody');
      for (let i = 0; i < 5; i++) assert.equal((await pinLoginByEmail(nobody, '111222')).statusCode, 401);
      const fake = await pinLoginByEmail(nobody.toUpperCase(), '111222');
      assert.deepEqual(problemShape(fake), { ...problemShape(real), retryAfter: fake.json().retryAfter });
      assert.ok(fake.json().retryAfter > 50 && fake.json().retryAfter <= 60);
    });

    it('an unknown email costs the same argon2 work as a wrong PIN (same timing class)', async (tc) => {
      // Production argon2 cost here, so the hash (not the test's cheap one) sets the time.
      const slow = await createIdentityTestApp(engine, {
        PASSWORD_HASH_MEMORY_KIB: '19456',
        PASSWORD_HASH_TIME_COST: '2',
      });
      try {
        const login = (payload: object) => slow.app.inject({ method: 'POST', url: '/api/auth/pin-login', payload });
        const owners: Account[] = [];
        for (let i = 0; i < 4; i++) owners.push(await registerAccount(slow.app));
        for (const o of owners) {
          const r = await slow.app.inject({
            method: 'PUT',
            url: '/api/users/me/pin',
            headers: o.auth,
            payload: { pin: PIN, password: o.password },
          });
          assert.equal(r.statusCode, 204);
        }
        const known: number[] = [];
        const unknown: number[] = [];
        const time = async (payload: object, into: number[]) => {
          const t0 = performance.now();
          const res = await login(payload);
          into.push(performance.now() - t0);
          assert.equal(res.statusCode, 401);
        };
        // Without the dummy argon2 check an unknown email answers in ~1 ms against ~33 ms (measured: a
        // ratio of 0.04). Within 1/3–3 on a busy machine is the same class.
        // Warm-up (the dummy hash is made on first use), then interleaved, 12 each (3 per account:
        // within its free attempts).
        await time({ email: uniqueEmail('warm-up'), pin: '111222' }, []);
        for (let i = 0; i < 12; i++) {
          await time({ email: owners[i % 4]!.email, pin: '111222' }, known);
          await time({ email: uniqueEmail('nobody'), pin: '111222' }, unknown);
        }
        const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
        const ratio = median(unknown) / median(known);
        tc.diagnostic(
          `median: unknown email ${median(unknown).toFixed(1)} ms, wrong PIN ${median(known).toFixed(1)} ms`,
        );
        assert.ok(
          ratio > 1 / 3 && ratio < 3,
          `unknown ${median(unknown).toFixed(1)} ms vs wrong PIN ${median(known).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`,
        );
      } finally {
        await slow.close();
      }
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
