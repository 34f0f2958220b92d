/**
 * The queue contract: ONE suite, run against both engines.
 * - memory (in-process): always.
 * - bullmq: when MEDICHAT_TEST_REDIS_URL is set (scripts/test.mjs starts a throw-away redis-server);
 *   every test uses a fresh key prefix, removed at the end. With MEDICHAT_REQUIRE_REDIS=1 and no URL
 *   a test fails: CI never skips BullMQ silently. When it runs and MEDICHAT_TEST_MARKER_DIR is set,
 *   `<dir>/bullmq-contract.ran` receives the number of BullMQ tests that passed.
 *
 * Where the engines differ by nature, the case says so: "a job whose worker crashes is retried" is a
 * consumer PROCESS killed with SIGKILL mid-job on BullMQ (its lock lapses, another consumer's stalled
 * check retries it), and a handler that throws or rejects in-process (a crashed process would take
 * the in-process queue with it).
 *
 *   MEDICHAT_SKIP_BUILD=1 npm test -- queue.contract
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { BullmqQueue } from './bullmq.js';
import { InvalidJobError } from './errors.js';
import { MemoryQueue } from './memory.js';
import { UnrecoverableJobError, type JobHandler, type JobInfo, type QueueEvent, type QueuePort } from './port.js';
import { createRegistry, type AnyJobHandler } from './registry.js';

const here = dirname(fileURLToPath(import.meta.url));
const redisUrl = process.env.MEDICHAT_TEST_REDIS_URL;
const run = randomBytes(3).toString('hex');
let seq = 0;

interface EngineCase {
  name: 'memory' | 'bullmq';
  /** A fresh queue (its own namespace) consuming with `handlers`. */
  open(handlers: AnyJobHandler[], opts?: { lockDurationMs?: number; prefix?: string }): Promise<QueuePort>;
  cleanup(): Promise<void>;
}

const memoryCase: EngineCase = {
  name: 'memory',
  async open(handlers) {
    return new MemoryQueue({
      registry: createRegistry(
        handlers,
        handlers.map((h) => h.name),
      ),
    });
  },
  async cleanup() {},
};

const prefixes: string[] = [];
const bullmqCase: EngineCase = {
  name: 'bullmq',
  async open(handlers, opts = {}) {
    const prefix = opts.prefix ?? `mct-${run}-${++seq}`;
    prefixes.push(prefix);
    const names = handlers.map((h) => h.name);
    const lock = opts.lockDurationMs ?? 5000;
    return BullmqQueue.open({
      url: redisUrl!,
      prefix,
      names,
      registry: createRegistry(handlers, names),
      lockDurationMs: lock,
      stalledIntervalMs: Math.max(200, Math.floor(lock / 2)),
    });
  },
  async cleanup() {
    const r = new Redis(redisUrl!);
    try {
      for (const p of prefixes) {
        for (const pattern of [`${p}:*`, `${p}-*`]) {
          const keys = await r.keys(pattern);
          if (keys.length) await r.del(...keys);
        }
      }
    } finally {
      r.disconnect();
    }
  },
};

const cases: EngineCase[] = [memoryCase];
if (redisUrl) cases.push(bullmqCase);
else if (process.env.MEDICHAT_REQUIRE_REDIS === '1') {
  describe('queue contract: bullmq', () => {
    it('MEDICHAT_TEST_REDIS_URL is set (required by MEDICHAT_REQUIRE_REDIS=1)', () => {
      assert.ok(
        redisUrl,
        'MEDICHAT_REQUIRE_REDIS=1 but MEDICHAT_TEST_REDIS_URL is not set: the BullMQ contract would be skipped',
      );
    });
  });
}

// ---- helpers ----

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const until = (q: QueuePort, id: string, state: JobInfo['state'], timeoutMs?: number) =>
  waitFor(
    `${id} to be ${state}`,
    async () => {
      const j = await q.getJob(id);
      return j?.state === state ? j : null;
    },
    timeoutMs,
  );

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A handler that records its runs. */
function recorder<R>(
  name: string,
  fn: (data: unknown, attempt: number, signal: AbortSignal) => Promise<R> | R,
  concurrency?: number,
) {
  const runs: Array<{ at: number; attempt: number; data: unknown; jobId: string }> = [];
  const handler: JobHandler<unknown, R> = {
    name,
    concurrency,
    async handle(data, ctx) {
      runs.push({ at: Date.now(), attempt: ctx.attempt, data, jobId: ctx.jobId });
      return fn(data, ctx.attempt, ctx.signal);
    },
  };
  return { handler, runs };
}

// ---- the suite ----

for (const engine of cases) {
  describe(`queue contract: ${engine.name}`, () => {
    let passed = 0;
    const open: QueuePort[] = [];
    // node:test runs and awaits `it` itself; the wrapper only counts passes for the CI marker.
    const test = (name: string, fn: () => Promise<void>, timeout = 30_000): void => {
      void it(name, { timeout }, async () => {
        await fn();
        passed++;
      });
    };
    const openQ = async (handlers: AnyJobHandler[], opts?: { lockDurationMs?: number; prefix?: string }) => {
      const q = await engine.open(handlers, opts);
      open.push(q);
      return q;
    };

    after(async () => {
      await Promise.allSettled(open.map((q) => q.close(1000)));
      await engine.cleanup();
      const markerDir = process.env.MEDICHAT_TEST_MARKER_DIR;
      if (engine.name === 'bullmq' && markerDir) {
        mkdirSync(markerDir, { recursive: true });
        writeFileSync(join(markerDir, 'bullmq-contract.ran'), `${passed}\n`);
      }
    });

    test('retries a failing job with exponential backoff, counting attempts, until it succeeds', async () => {
      const { handler, runs } = recorder('flaky', (_d, attempt) => {
        if (attempt < 3) throw new Error(`boom ${attempt}`);
        return { ok: attempt };
      });
      const q = await openQ([handler]);
      const { id, created } = await q.enqueue(
        'flaky',
        { n: 1 },
        { attempts: 3, backoff: { type: 'exponential', delayMs: 150 } },
      );
      assert.ok(created);
      assert.match(id, /^flaky:/);
      const job = await until(q, id, 'completed');
      assert.deepEqual(job.result, { ok: 3 });
      assert.equal(job.attemptsMade, 3);
      assert.equal(job.attemptsStarted, 3);
      assert.equal(job.attempts, 3);
      assert.deepEqual(
        runs.map((r) => r.attempt),
        [1, 2, 3],
      );
      assert.deepEqual(runs[0]!.data, { n: 1 });
      // 150 ms, then 300 ms (a few ms of timer slack allowed).
      const gaps = [runs[1]!.at - runs[0]!.at, runs[2]!.at - runs[1]!.at];
      assert.ok(gaps[0]! >= 140 && gaps[1]! >= 290, `gaps ${gaps.join(', ')} ms`);
      assert.ok(gaps[1]! > gaps[0]!, `exponential: ${gaps.join(', ')} ms`);
      assert.ok(job.processedAt! >= job.createdAt && job.finishedAt! >= job.processedAt!);
    });

    test('a job out of attempts fails with its reason; fixed backoff; an unrecoverable error stops at once', async () => {
      const { handler, runs } = recorder('doomed', (data) => {
        if ((data as { fatal?: boolean }).fatal) throw new UnrecoverableJobError('bad input');
        throw new Error('always');
      });
      const q = await openQ([handler]);
      const a = await q.enqueue('doomed', {}, { attempts: 2, backoff: { type: 'fixed', delayMs: 100 } });
      const failed = await until(q, a.id, 'failed');
      assert.equal(failed.failedReason, 'always');
      assert.equal(failed.attemptsMade, 2);
      const ra = runs.filter((r) => r.jobId === a.id);
      assert.ok(ra[1]!.at - ra[0]!.at >= 90, `fixed gap ${ra[1]!.at - ra[0]!.at} ms`);
      const b = await q.enqueue('doomed', { fatal: true }, { attempts: 5 });
      const fatal = await until(q, b.id, 'failed');
      assert.equal(fatal.failedReason, 'bad input');
      assert.equal(fatal.attemptsMade, 1);
    });

    test('the same job id twice is one job', async () => {
      const { handler, runs } = recorder('once', (d) => d);
      const q = await openQ([handler]);
      const first = await q.enqueue('once', { v: 1 }, { jobId: 'report-42', delayMs: 100 });
      const second = await q.enqueue('once', { v: 2 }, { jobId: 'report-42' });
      assert.equal(first.id, 'once:report-42');
      assert.equal(second.id, first.id);
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      const job = await until(q, first.id, 'completed');
      assert.deepEqual(job.result, { v: 1 });
      const third = await q.enqueue('once', { v: 3 }, { jobId: 'report-42' });
      assert.equal(third.created, false, 'a completed job still holds its id');
      await sleep(150);
      assert.equal(runs.length, 1);
    });

    test('a delayed job waits in state delayed, then runs no earlier than its delay', async () => {
      const { handler, runs } = recorder('later', () => 'done');
      const q = await openQ([handler]);
      const t0 = Date.now();
      const { id } = await q.enqueue('later', {}, { delayMs: 400 });
      assert.equal((await q.getJob(id))?.state, 'delayed');
      await until(q, id, 'completed');
      assert.equal(runs.length, 1);
      assert.ok(runs[0]!.at - t0 >= 390, `started after ${runs[0]!.at - t0} ms`);
    });

    test('never more than a handler’s concurrency run at once', async () => {
      let active = 0;
      let peak = 0;
      const { handler } = recorder(
        'limited',
        async () => {
          active++;
          peak = Math.max(peak, active);
          await sleep(120);
          active--;
        },
        2,
      );
      const q = await openQ([handler]);
      const refs = await Promise.all(Array.from({ length: 7 }, (_, i) => q.enqueue('limited', { i })));
      for (const r of refs) await until(q, r.id, 'completed');
      assert.equal(peak, 2);
    });

    test('jobs run by priority (1 first), unprioritised ones before', async () => {
      const gate = deferred();
      const order: string[] = [];
      const { handler } = recorder(
        'ranked',
        async (d) => {
          const tag = (d as { tag: string }).tag;
          if (tag === 'blocker') await gate.promise;
          order.push(tag);
        },
        1,
      );
      const q = await openQ([handler]);
      const blocker = await q.enqueue('ranked', { tag: 'blocker' });
      await until(q, blocker.id, 'active');
      const refs = [
        await q.enqueue('ranked', { tag: 'p5' }, { priority: 5 }),
        await q.enqueue('ranked', { tag: 'p1' }, { priority: 1 }),
        await q.enqueue('ranked', { tag: 'none' }),
        await q.enqueue('ranked', { tag: 'p3' }, { priority: 3 }),
      ];
      gate.resolve();
      for (const r of refs) await until(q, r.id, 'completed');
      assert.deepEqual(order, ['blocker', 'none', 'p1', 'p3', 'p5']);
    });

    if (engine.name === 'memory') {
      test('a handler that crashes (throws synchronously, or rejects) is retried', async () => {
        const runs: number[] = [];
        const handler: JobHandler = {
          name: 'crashy',
          handle(_d, ctx) {
            runs.push(ctx.attempt);
            if (ctx.attempt === 1) throw new TypeError('sync crash');
            if (ctx.attempt === 2) return Promise.reject(new Error('async crash'));
            return Promise.resolve('survived');
          },
        };
        const q = await openQ([handler]);
        const { id } = await q.enqueue('crashy', {}, { attempts: 3 });
        const job = await until(q, id, 'completed');
        assert.equal(job.result, 'survived');
        assert.deepEqual(runs, [1, 2, 3]);
      });
    } else {
      test('a job whose worker process is killed (SIGKILL) mid-job is retried by another worker', async () => {
        const prefix = `mct-${run}-${++seq}`;
        const lockMs = 1000;
        const child = spawn(
          process.execPath,
          [
            '--conditions=development',
            '--import',
            'tsx',
            join(here, 'crash-worker.test-helper.ts'),
            redisUrl!,
            prefix,
            'fragile',
            String(lockMs),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
        const exited = new Promise((r) => child.once('exit', r));
        try {
          await waitFor('the crash worker to be ready', async () => out.includes('ready'), 20_000);
          // The producer side (no consumer of its own) enqueues; the child takes the job.
          const producer = await BullmqQueue.open({ url: redisUrl!, prefix, names: ['fragile'] });
          open.push(producer);
          const { id } = await producer.enqueue('fragile', { x: 1 }, { attempts: 2 });
          await waitFor('the crash worker to start the job', async () => out.includes(`started ${id} attempt 1`));
          child.kill('SIGKILL');
          await exited;
          assert.equal((await producer.getJob(id))?.state, 'active', 'the killed worker leaves its job active');
          const { handler, runs } = recorder('fragile', (_d, attempt) => ({ attempt }));
          const t0 = Date.now();
          const rescuer = await openQ([handler], { prefix, lockDurationMs: lockMs });
          const job = await until(rescuer, id, 'completed', 15_000);
          assert.equal(runs.length, 1);
          assert.equal(runs[0]!.attempt, 2, 'the lost attempt counts as started');
          assert.equal(job.attemptsStarted, 2);
          assert.deepEqual(job.result, { attempt: 2 });
          assert.ok(Date.now() - t0 < 10_000);
        } finally {
          child.kill('SIGKILL');
        }
      });
    }

    test('progress and state changes reach a listener', async () => {
      const handler: JobHandler = {
        name: 'reporter',
        async handle(_d, ctx) {
          await ctx.progress(25);
          await ctx.progress(50);
          await ctx.progress({ step: 3, total: 4 });
          ctx.log('nearly there');
          return 'ok';
        },
      };
      const q = await openQ([handler]);
      const events: QueueEvent[] = [];
      const unsubscribe = await q.subscribe((e) => events.push(e));
      const { id } = await q.enqueue('reporter', {});
      await until(q, id, 'completed');
      await waitFor('the completed event', async () =>
        events.some((e) => e.id === id && e.type === 'state' && e.state === 'completed'),
      );
      const progress = events
        .filter((e) => e.id === id && e.type === 'progress')
        .map((e) => (e.type === 'progress' ? e.progress : null));
      assert.deepEqual(progress, [25, 50, { step: 3, total: 4 }]);
      const states = events
        .filter((e) => e.id === id && e.type === 'state')
        .map((e) => (e.type === 'state' ? e.state : null));
      assert.ok(states.includes('active'), states.join(','));
      assert.equal(states.at(-1), 'completed');
      assert.deepEqual((await q.getJob(id))?.progress, { step: 3, total: 4 });
      unsubscribe();
      const n = events.length;
      const again = await q.enqueue('reporter', {});
      await until(q, again.id, 'completed');
      await sleep(100);
      assert.equal(events.length, n, 'no events after unsubscribe');
    });

    test('cancel: a waiting or delayed job never runs; an active one is aborted and not retried', async () => {
      const gate = deferred();
      const aborted: string[] = [];
      const { handler, runs } = recorder(
        'stoppable',
        async (d, _attempt, signal) => {
          const kind = (d as { kind: string }).kind;
          if (kind === 'blocker') await gate.promise;
          if (kind === 'long') {
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
            aborted.push(String(signal.reason instanceof Error ? signal.reason.message : signal.reason));
            throw new Error('aborted by signal');
          }
          return kind;
        },
        1,
      );
      const q = await openQ([handler]);
      const blocker = await q.enqueue('stoppable', { kind: 'blocker' });
      await until(q, blocker.id, 'active');
      const waiting = await q.enqueue('stoppable', { kind: 'waiting' });
      const delayed = await q.enqueue('stoppable', { kind: 'delayed' }, { delayMs: 200 });
      assert.equal(await q.cancel(waiting.id), true);
      assert.equal(await q.cancel(delayed.id), true);
      assert.equal((await q.getJob(waiting.id))?.state, 'cancelled');
      assert.equal((await q.getJob(delayed.id))?.state, 'cancelled');
      gate.resolve();
      await until(q, blocker.id, 'completed');
      const long = await q.enqueue('stoppable', { kind: 'long' }, { attempts: 3 });
      await until(q, long.id, 'active');
      assert.equal(await q.cancel(long.id), true);
      const job = await until(q, long.id, 'cancelled');
      assert.equal(job.attemptsStarted, 1, 'a cancelled job is not retried');
      assert.equal(aborted.length, 1);
      await sleep(300);
      assert.deepEqual(
        runs.map((r) => (r.data as { kind: string }).kind),
        ['blocker', 'long'],
      );
      assert.equal(await q.cancel(blocker.id), false, 'a completed job cannot be cancelled');
      assert.equal(await q.cancel('stoppable:nope'), false);
      assert.equal(await q.getJob('stoppable:nope'), null);
      assert.equal(await q.getJob('not an id'), null);
    });

    test('a repeatable job runs at once, then every interval, until unscheduled', async () => {
      const { handler, runs } = recorder('tick', () => 'tock', 1);
      const q = await openQ([handler]);
      const t0 = Date.now();
      await q.schedule('tick', 200, { from: 'schedule' });
      await q.schedule('tick', 200, { from: 'schedule' }); // idempotent: still one schedule
      await waitFor('three runs', async () => runs.length >= 3, 5_000);
      await q.unschedule('tick');
      await sleep(150); // a run already due may still start
      const n = runs.length;
      await sleep(600);
      assert.equal(runs.length, n, 'no runs after unschedule');
      const gaps = runs.slice(1).map((r, i) => r.at - runs[i]!.at);
      // Fixed rate: a late run shortens the next gap, but on average runs are an interval apart.
      const mean = (runs.at(-1)!.at - runs[0]!.at) / (runs.length - 1);
      assert.ok(mean >= 170 && gaps.every((g) => g >= 50), `gaps ${gaps.join(', ')} ms`);
      assert.deepEqual(runs[0]!.data, { from: 'schedule' });
      assert.ok(runs[0]!.at - t0 < 180, `first run after ${runs[0]!.at - t0} ms: a schedule starts at once`);
    });

    test('bad input is refused naming what is wrong, and enqueues nothing', async () => {
      const { handler, runs } = recorder('strict', () => 1);
      const q = await openQ([handler]);
      const bad: Array<[string, Parameters<QueuePort['enqueue']>[2], RegExp]> = [
        ['nobody', {}, /no handler serves job "nobody"/],
        ['strict', { jobId: 'has:colon' }, /jobId/],
        ['strict', { jobId: '123' }, /jobId/],
        ['strict', { attempts: 0 }, /attempts/],
        ['strict', { delayMs: -1 }, /delayMs/],
        ['strict', { priority: 0 }, /priority/],
        ['strict', { backoff: { type: 'linear' as 'fixed', delayMs: 1 } }, /backoff/],
      ];
      for (const [name, opts, message] of bad) {
        await assert.rejects(
          q.enqueue(name, {}, opts),
          (err: unknown) => err instanceof InvalidJobError && message.test(err.message),
        );
      }
      await sleep(100);
      assert.equal(runs.length, 0);
    });

    test('close() waits for an active job; past its timeout it aborts the job', async () => {
      let finished = false;
      let abortedBy: unknown;
      const handler: JobHandler = {
        name: 'closing',
        async handle(data, ctx) {
          if ((data as { stubborn?: boolean }).stubborn) {
            await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
            abortedBy = ctx.signal.reason;
            return 'aborted';
          }
          await sleep(250);
          finished = true;
          return 'done';
        },
      };
      const q1 = await openQ([handler]);
      const a = await q1.enqueue('closing', {});
      await until(q1, a.id, 'active');
      await q1.close(5000);
      assert.equal(finished, true, 'close waited for the active job');
      const q2 = await openQ([handler]);
      const b = await q2.enqueue('closing', { stubborn: true });
      await until(q2, b.id, 'active');
      const t0 = Date.now();
      await q2.close(200);
      assert.ok(Date.now() - t0 < 3000, `close took ${Date.now() - t0} ms`);
      assert.ok(abortedBy !== undefined, 'the job was aborted after the timeout');
      await assert.rejects(q2.enqueue('closing', {}));
    });
  });
}
