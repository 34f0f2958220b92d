/**
 * Hardening of what lands on disk and in names: DATA_DIR created 0700 and the SQLite database 0600;
 * display names NFC-normalised and refused (400, nothing stored) with NUL, controls, bidi overrides,
 * zero-width characters or lone surrogates, at sign-up and on profile edits; the CSP's connect-src
 * is the own origin only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { fastAuthEnv, GOOD_PASSWORD, registerAccount, uniqueEmail } from './auth.test-helpers.js';

describe('files, names and CSP hardening', () => {
  let t: TestApp;
  // Not mkdtemp (which makes 0700 itself): a path that does not exist yet, so loadConfig creates it.
  const dataDir = join(tmpdir(), `medichat-hardening-${randomBytes(6).toString('hex')}`);
  before(async () => {
    t = await createTestApp({
      ...fastAuthEnv,
      DATA_DIR: dataDir,
    });
  });
  after(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates DATA_DIR 0700 and the database 0600', () => {
    assert.equal(statSync(t.config.dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(t.config.dataDir, 'medichat.sqlite')).mode & 0o777, 0o600);
  });

  it('normalises names to NFC and refuses invisible or reordering characters', async () => {
    const a = await registerAccount(t.app, { displayName: 'Rene\u0301e' });
    const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: a.auth });
    assert.equal(me.json().user.displayName, 'Ren\u00e9e');
    for (const bad of [
      'Eve\u0000',
      'ab\u202ecba',
      'zero\u200bwidth',
      'lone\ud800',
      'x\udc00y',
      'bom\ufeff',
      'bell\u0007',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: bad },
      });
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.match(String(res.headers['content-type']), /problem\+json/);
      const patch = await t.app.inject({
        method: 'PATCH',
        url: '/api/users/me',
        headers: a.auth,
        payload: { displayName: bad },
      });
      assert.equal(patch.statusCode, 400, JSON.stringify(bad));
    }
    const after = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: a.auth });
    assert.equal(after.json().user.displayName, 'Ren\u00e9e');
    // Emoji (valid surrogate pairs) and other scripts are fine.
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/users/me',
      headers: a.auth,
      payload: { displayName: 'Zoë 🌿 محمد' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  it('limits connect-src to the own origin', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /connect-src 'self'(;|$)/);
  });
});
