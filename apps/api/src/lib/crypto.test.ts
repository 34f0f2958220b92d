import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DecryptionError, FieldCipher, isEnvelope, randomToken, safeEqual, sha256Hex } from './crypto.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('FieldCipher (AES-256-GCM envelopes)', () => {
  it('round-trips any JSON value, with a fresh IV each time', () => {
    const c = new FieldCipher([k1]);
    for (const v of [
      'Penicillin',
      42.5,
      true,
      null,
      [{ substance: 'nuts', severity: 'severe' }],
      { a: { b: [1, 2] } },
    ]) {
      const env = c.encrypt(v, 'medical_cards:u1:allergies');
      assert.ok(isEnvelope(env));
      assert.match(env, /^e1\.k1\./);
      assert.deepEqual(c.decrypt(env, 'medical_cards:u1:allergies'), v);
    }
    assert.notEqual(c.encrypt('x', 'a'), c.encrypt('x', 'a'));
    assert.ok(!c.encrypt('Penicillin', 'a').includes('Penicillin'));
  });

  it('rotation: data written with k1 still reads after k2 is put first; new writes use k2', () => {
    const old = new FieldCipher([k1]);
    const env = old.encrypt({ substance: 'Latex' }, 'medical_cards:u1:allergies');
    const rotated = new FieldCipher([k2, k1]);
    assert.deepEqual(rotated.decrypt(env, 'medical_cards:u1:allergies'), { substance: 'Latex' });
    const fresh = rotated.encrypt('x', 'aad');
    assert.equal(FieldCipher.keyIdOf(fresh), 'k2');
    assert.equal(rotated.currentKeyId, 'k2');
    // Once k1 is dropped, its envelopes no longer open.
    assert.throws(() => new FieldCipher([k2]).decrypt(env, 'medical_cards:u1:allergies'), DecryptionError);
  });

  it('an envelope moved to another record or field, or tampered with, fails to decrypt', () => {
    const c = new FieldCipher([k1]);
    const env = c.encrypt('O-', 'medical_cards:u1:bloodType');
    assert.throws(() => c.decrypt(env, 'medical_cards:u2:bloodType'), DecryptionError);
    assert.throws(() => c.decrypt(env, 'medical_cards:u1:notes'), DecryptionError);
    const parts = env.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0]! ^= 1;
    assert.throws(
      () => c.decrypt([...parts.slice(0, 3), ct.toString('base64url')].join('.'), 'medical_cards:u1:bloodType'),
      DecryptionError,
    );
    assert.throws(() => c.decrypt('e1.k9.AAAAAAAAAAAAAAAA.AAAA', 'x'), DecryptionError);
    assert.throws(() => c.decrypt('plain text', 'x'), DecryptionError);
    assert.throws(() => c.decrypt(`${parts.slice(0, 3).join('.')}.AAAA`, 'x'), DecryptionError);
  });

  it('refuses bad keys', () => {
    assert.throws(() => new FieldCipher([]));
    assert.throws(() => new FieldCipher([{ id: 'k1', key: randomBytes(16) }]));
    assert.throws(() => new FieldCipher([{ id: 'bad id', key: randomBytes(32) }]));
  });
});

describe('token helpers', () => {
  it('random tokens are 256-bit base64url; hashes are hex SHA-256; comparison is exact', () => {
    const t = randomToken();
    assert.match(t, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(randomToken(), t);
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
  });
});
