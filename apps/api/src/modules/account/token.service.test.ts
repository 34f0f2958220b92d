import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../lib/errors.js';
import { TokenService } from './token.service.js';

const secret = 'a'.repeat(48);

async function rejects(p: Promise<unknown>, type: string) {
  await assert.rejects(p, (err: unknown) => err instanceof AppError && err.type === type && err.status === 401);
}

describe('TokenService', () => {
  const tokens = new TokenService(secret, 600);

  it('signs and verifies user and guest access tokens', async () => {
    const t = await tokens.signAccess({ sub: 'u1', role: 'patient', sid: 'fam1' });
    const v = await tokens.verifyAccess(t);
    assert.equal(v.sub, 'u1');
    assert.equal(v.role, 'patient');
    assert.equal(v.sid, 'fam1');
    assert.ok(v.exp > Date.now() / 1000 + 590 && v.exp <= Date.now() / 1000 + 601);
    const expiresAt = new Date(Date.now() + 3_600_000);
    const g = await tokens.signAccess({ sub: 'guest:s1', role: 'guest', sid: 's1' }, { expiresAt });
    assert.equal((await tokens.verifyAccess(g)).exp, Math.floor(expiresAt.getTime() / 1000));
  });

  it('tells expired from invalid, and refuses role/subject mismatches and foreign secrets', async () => {
    const old = await tokens.signAccess(
      { sub: 'u1', role: 'patient', sid: 'f' },
      { now: new Date(Date.now() - 3_600_000) },
    );
    await rejects(tokens.verifyAccess(old), 'token_expired');
    const other = await new TokenService('b'.repeat(48), 600).signAccess({ sub: 'u1', role: 'admin', sid: 'f' });
    await rejects(tokens.verifyAccess(other), 'unauthorized');
    await rejects(tokens.verifyAccess(await tokens.signAccess({ sub: 'u1', role: 'guest', sid: 'f' })), 'unauthorized');
    await rejects(
      tokens.verifyAccess(await tokens.signAccess({ sub: 'guest:x', role: 'admin', sid: 'x' })),
      'unauthorized',
    );
    await rejects(tokens.verifyAccess('a'.repeat(5000)), 'unauthorized');
  });

  it('QR tokens are versioned, signed, carry only the user id, and cannot be altered', () => {
    const qr = tokens.signQr('0190a1b2-0000-7000-8000-000000000001', 3);
    assert.match(qr, /^mc1\.0190a1b2-0000-7000-8000-000000000001\.3\.[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(tokens.verifyQr(qr), { userId: '0190a1b2-0000-7000-8000-000000000001', version: 3 });
    assert.equal(tokens.verifyQr(qr.replace('.3.', '.4.')), null);
    assert.equal(tokens.verifyQr(qr.replace('0001', '0002')), null);
    assert.equal(tokens.verifyQr(new TokenService('b'.repeat(48), 600).signQr('u', 1)), null);
    assert.equal(tokens.verifyQr(`${qr} `), null);
    assert.equal(tokens.verifyQr(tokens.signQr('u', 0)), null, 'version 0 is never issued');
  });
});
