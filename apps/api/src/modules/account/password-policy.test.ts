import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonPasswords, passwordProblems } from './password-policy.js';
import { PasswordHasher } from './password-hasher.js';
import { weakPinReason } from './credential.service.js';

describe('password policy', () => {
  it('ships the 10,000 most common passwords', () => {
    const list = commonPasswords();
    assert.equal(list.size, 10_000);
    for (const p of ['123456', 'password', 'qwertyuiop', '1q2w3e4r5t', 'iloveyou']) assert.ok(list.has(p), p);
  });

  it('accepts long, uncommon passwords of any composition', () => {
    for (const p of [
      'violet-harbour-lantern-42',
      'correct horse battery staple',
      'ÆØÅ-ünïcødé-pässwörd',
      'aB3$aB3$aB3$'.slice(0, 10) + 'zq',
    ]) {
      assert.deepEqual(passwordProblems(p, { email: 'ada@example.org' }), [], p);
    }
  });

  it('refuses short, overlong, common, common-plus-suffix, repeated and email passwords', () => {
    const cases: Array<[string, RegExp]> = [
      ['short', /at least 10/],
      ['x'.repeat(129), /at most 128/],
      ['qwertyuiop', /common/],
      ['1234567890', /common/],
      ['QWERTYUIOP', /common/],
      ['password123!', /common/],
      ['Dragon2024!!', /common/],
      ['aaaaaaaaaaaa', /repeated/],
      ['abababababab', /repeated/],
      ['ada.lovelace@example.org', /email/],
      ['ADA.LOVELACE', /email/],
    ];
    for (const [p, why] of cases) {
      const problems = passwordProblems(p, { email: 'Ada.Lovelace@example.org' });
      assert.ok(
        problems.some((m) => why.test(m)),
        `${p}: ${problems.join('; ')}`,
      );
    }
  });

  it('counts characters, not UTF-16 units', () => {
    assert.deepEqual(passwordProblems('🙂🌻🍀🙂🌻🍀🙂🌻🍀🙂'), []);
    assert.ok(
      passwordProblems('🙂🙂🙂🙂🙂').some((m) => /at least/.test(m)),
      '5 emoji are 10 UTF-16 units but 5 characters',
    );
  });
});

describe('weak PINs', () => {
  it('refuses repeated digits and straight runs', () => {
    for (const pin of ['0000', '1111', '1234', '4321', '123456', '987654', '8901', '2109'])
      assert.ok(weakPinReason(pin), pin);
    for (const pin of ['4802', '1357', '480215', '13572468']) assert.equal(weakPinReason(pin), null, pin);
  });
});

describe('argon2id at the configured cost', () => {
  it('hashes with argon2id and the exact parameters, verifies, and flags old costs for rehash', async () => {
    // The production default cost, once, so the real configuration is exercised.
    const real = new PasswordHasher({ memoryKib: 19_456, timeCost: 2 });
    const hash = await real.hash('violet-harbour-lantern-42');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await real.verify(hash, 'violet-harbour-lantern-42'), true);
    assert.equal(await real.verify(hash, 'violet-harbour-lantern-43'), false);
    assert.equal(await real.verify('not a hash', 'x'), false);
    assert.equal(await real.verifyDummy('anything'), false);
    assert.equal(real.needsRehash(hash), false);
    assert.equal(new PasswordHasher({ memoryKib: 1024, timeCost: 1 }).needsRehash(hash), true);
    assert.equal(real.needsRehash('garbage'), true);
  });
});
