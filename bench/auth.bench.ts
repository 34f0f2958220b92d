/**
 * Auth bench: what a password sign-in costs at the configured argon2id cost, and how much the app
 * adds on top of the hash itself.
 *
 *   node --conditions=development --import tsx bench/auth.bench.ts
 *
 * Cases (ratios against the bare argon2id verify at the same cost):
 * 1. argon2id hash (sign-up, PIN set) and verify at the default cost (PASSWORD_HASH_MEMORY_KIB /
 *    PASSWORD_HASH_TIME_COST from the environment, else 19456 KiB, 2 passes, 1 lane).
 * 2. POST /api/auth/login through the real app (`inject`, SQLite): verify + user lookup + refresh
 *    session insert + audit insert + JWT signing; and a wrong password (same work, no session).
 * 3. 8 logins at once (2 cores, libuv's 4 threads): latency per login under contention.
 * 4. Every signed-in request: the access token's signature check alone (baseline; fast-jwt), the
 *    same check with jose 6 (what it was before), `authenticate`
 *    (signature + the one indexed read that makes sign-out end access tokens at once), and a whole
 *    GET /api/users/me through the app.
 */
import { performance } from 'node:perf_hooks';
import { jwtVerify } from 'jose';
import { deriveKey } from '../apps/api/src/lib/crypto.js';
import { PasswordHasher } from '../apps/api/src/modules/account/password-hasher.js';
import { createTestApp } from '../apps/api/src/testing/test-app.js';
import { compare, printRows, type CaseResult } from './lib.js';

const memoryKib = Number(process.env.PASSWORD_HASH_MEMORY_KIB ?? 19_456);
const timeCost = Number(process.env.PASSWORD_HASH_TIME_COST ?? 2);
const password = 'violet-harbour-lantern-42';

const t = await createTestApp({
  PASSWORD_HASH_MEMORY_KIB: String(memoryKib),
  PASSWORD_HASH_TIME_COST: String(timeCost),
  AUTH_RATE_LIMIT_MAX: '1000000',
  RATE_LIMIT_MAX: '1000000',
});
try {
  const hasher = new PasswordHasher({ memoryKib, timeCost });
  const hash = await hasher.hash(password);
  console.log(`\nargon2id cost: m=${memoryKib} KiB, t=${timeCost}, p=1 — ${hash.slice(0, 30)}…`);

  const email = 'bench@example.org';
  const reg = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.body}`);

  const login = async (pw: string, expect: number) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: pw } });
    if (res.statusCode !== expect) throw new Error(`login answered ${res.statusCode}: ${res.body}`);
  };

  await compare(
    `password sign-in at argon2id m=${memoryKib} KiB t=${timeCost} (per op)`,
    ['argon2id verify (bare)', () => hasher.verify(hash, password)],
    [
      ['argon2id hash', () => hasher.hash(password)],
      ['POST /api/auth/login (inject, SQLite)', () => login(password, 200)],
      ['POST /api/auth/login, wrong password', () => login('wrong-password-here', 401)],
      [
        'POST /api/auth/login, unknown email (dummy verify)',
        async () => {
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { email: 'nobody@example.org', password },
          });
          if (res.statusCode !== 401) throw new Error(res.body);
        },
      ],
    ],
    { batch: 5, rounds: 12, warmupRounds: 1 },
  );

  // Contention: 8 sign-ins at once, 10 times; latency of each.
  const samples: number[] = [];
  const started = performance.now();
  for (let r = 0; r < 10; r++) {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const t0 = performance.now();
        await login(password, 200);
        samples.push(performance.now() - t0);
      }),
    );
  }
  const wall = performance.now() - started;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]!;
  const row: CaseResult = {
    name: 'concurrent logins',
    label: '8 concurrent POST /api/auth/login',
    opsPerSec: (samples.length / wall) * 1000,
    p50us: pct(50) * 1000,
    p99us: pct(99) * 1000,
    ratio: NaN,
  };
  printRows('8 logins at once (throughput = logins/s overall)', [row]);

  const access = reg.json().accessToken as string;
  const auth = t.app.services.sessions;
  // The same check with jose 6 (WebCrypto), the library the token service used before fast-jwt.
  const joseKey = new Uint8Array(deriveKey(t.config.secrets.jwtSecret, 'access-token'));
  await compare(
    'a signed-in request: who is calling (per op)',
    ['JWT signature + claims only', () => t.app.services.tokens.verifyAccess(access)],
    [
      ['jose 6 jwtVerify, same token and key (before)', () => jwtVerify(access, joseKey, { algorithms: ['HS256'] })],
      ['authenticate: JWT + live-session read (SQLite)', () => auth.authenticate(access)],
      [
        'GET /api/users/me (inject, SQLite)',
        async () => {
          const res = await t.app.inject({
            method: 'GET',
            url: '/api/users/me',
            headers: { authorization: `Bearer ${access}` },
          });
          if (res.statusCode !== 200) throw new Error(res.body);
        },
      ],
    ],
    { batch: 200, rounds: 15, warmupRounds: 2 },
  );
} finally {
  await t.close();
}
