/**
 * The worker process end to end: a job enqueued by the running API (`app.queue`, which with
 * REDIS_URL is a BullMQ producer with no consumer) is run by a separate `worker.ts` process against the test Redis — the real `sweep`
 * handler on a real SQLite file — and SIGTERM stops the worker cleanly. Without REDIS_URL the worker
 * refuses to start, saying why.
 * Redis from MEDICHAT_TEST_REDIS_URL (scripts/test.mjs); with MEDICHAT_REQUIRE_REDIS=1 a missing
 * URL fails instead of skipping.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { openStorage, type SqliteEngine } from './engines/storage/index.js';
import { createTestApp } from './testing/test-app.js';

const here = dirname(fileURLToPath(import.meta.url));
const workerEntry = join(here, 'worker.ts');
const redisUrl = process.env.MEDICHAT_TEST_REDIS_URL;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'medichat-worker-'));
  dirs.push(d);
  return d;
};
/** The worker's environment: only what it needs (config is read from the environment). */
const workerEnv = (extra: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  ...extra,
});

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('worker process', () => {
  it('exits 78 with a clear message when REDIS_URL is not set', () => {
    const r = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', workerEntry], {
      env: workerEnv({ DATA_DIR: tmp() }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 78, r.stderr);
    assert.match(r.stderr, /REDIS_URL is not set/);
    assert.match(r.stderr, /in-process/);
  });

  if (!redisUrl) {
    it(
      'MEDICHAT_TEST_REDIS_URL is set (required by MEDICHAT_REQUIRE_REDIS=1)',
      { skip: process.env.MEDICHAT_REQUIRE_REDIS !== '1' },
      () => {
        assert.ok(
          redisUrl,
          'MEDICHAT_REQUIRE_REDIS=1 but MEDICHAT_TEST_REDIS_URL is not set: the worker test would be skipped',
        );
      },
    );
    return;
  }

  it(
    'runs a job enqueued by the API process (the sweep, on real storage) and stops on SIGTERM',
    { timeout: 90_000 },
    async () => {
      const prefix = `mcw-${randomBytes(4).toString('hex')}`;
      // The API: the real app with REDIS_URL, so its queue is a BullMQ producer and runs nothing itself.
      const api = await createTestApp({
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        SWEEP_INTERVAL_MS: String(86_400_000),
      });
      const dataDir = api.dataDir;
      const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', workerEntry], {
        env: workerEnv({
          DATA_DIR: dataDir,
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          SWEEP_INTERVAL_MS: String(86_400_000),
          SHUTDOWN_TIMEOUT_MS: '5000',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      const producer = api.app.queue;
      const redis = new Redis(redisUrl);
      try {
        for (let i = 0; !out.includes('consuming jobs'); i++) {
          assert.ok(i < 600, `the worker did not start:\n${out}`);
          await sleep(100);
        }
        // The schedule's first sweep runs at start; wait until it is done so that ours finds the rows.
        for (let i = 0; ; i++) {
          const counts = await redis.llen(`${prefix}:sweep:wait`);
          const active = await redis.llen(`${prefix}:sweep:active`);
          if (counts === 0 && active === 0) break;
          assert.ok(i < 200, 'the scheduled sweep never finished');
          await sleep(50);
        }
        const storage = await openStorage({ dataDir });
        const past = new Date(Date.now() - 60_000);
        const future = new Date(Date.now() + 3_600_000);
        const base = { kind: 'refresh' as const, createdAt: past };
        await storage.sessions.insert({ ...base, id: 's-old', token: 't-old', expiresAt: past });
        await storage.sessions.insert({ ...base, id: 's-live', token: 't-live', expiresAt: future });
        await storage.close();

        const { id } = await producer.enqueue('sweep', {}, { jobId: 'sweep-now' });
        let job = await producer.getJob(id);
        for (let i = 0; job?.state !== 'completed'; i++) {
          assert.ok(i < 300 && job?.state !== 'failed', `job ${JSON.stringify(job)}\n${out}`);
          await sleep(50);
          job = await producer.getJob(id);
        }
        assert.deepEqual(job.result, { removed: 1 });
        const check = await openStorage({ dataDir });
        try {
          // Physically gone (reads hide expired rows anyway): one row left, the live one.
          const db = (check.engine as SqliteEngine).database;
          assert.deepEqual(db.prepare('SELECT id FROM sessions').pluck().all(), ['s-live']);
        } finally {
          await check.close();
        }
        child.kill('SIGTERM');
        const { code } = await exited;
        assert.equal(code, 0, out);
        assert.match(out, /worker: shutting down/);
      } finally {
        child.kill('SIGKILL');
        await api.close();
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
    },
  );
});
