/**
 * Queue bench: what our queue engines cost over what they sit on, side by side in one run.
 *
 *   node --conditions=development --import tsx bench/queue.bench.ts
 *
 * Cases (ratio = ours / baseline in time per job; 1.00× = free):
 * 1. enqueue → handler start latency, one job at a time (p50/p99):
 *    in-process engine vs a bare setImmediate hop; BullMQ engine vs a raw BullMQ Queue + Worker.
 * 2. throughput: a burst of jobs enqueued at once, run at concurrency 4, jobs/s until all finished.
 * Redis: $MEDICHAT_BENCH_REDIS_URL, else a throw-away redis-server (scripts/services.mjs); the BullMQ
 * rows are skipped with a note when there is none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqQueue } from '../apps/api/src/engines/queue/bullmq.js';
import { MemoryQueue } from '../apps/api/src/engines/queue/memory.js';
import type { JobHandler, QueuePort } from '../apps/api/src/engines/queue/port.js';
import { createRegistry } from '../apps/api/src/engines/queue/registry.js';
import { printRows, type CaseResult } from './lib.js';

interface ServicesModule {
  startRedis(o: { dataDir: string }): Promise<{ url: string; stop(): Promise<void> } | null>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const LATENCY_JOBS = Number(process.env.MEDICHAT_BENCH_QUEUE_LATENCY_JOBS ?? 300);
const BURST = Number(process.env.MEDICHAT_BENCH_QUEUE_BURST ?? 2000);
const tmp = mkdtempSync(join(tmpdir(), 'medichat-bench-queue-'));

const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;

/** A runner: `kick()` enqueues one job and resolves when its handler started. */
interface Target {
  label: string;
  kick(): Promise<void>;
  burst(n: number): Promise<void>;
  close(): Promise<void>;
}

function row(name: string, label: string, samplesMs: number[], base?: number): CaseResult {
  const s = [...samplesMs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return {
    name,
    label,
    opsPerSec: 1000 / mean,
    p50us: pct(s, 50) * 1000,
    p99us: pct(s, 99) * 1000,
    ratio: base ? mean / base : 1,
  };
}

async function latency(targets: Target[], name: string) {
  const samples = targets.map(() => [] as number[]);
  for (let i = 0; i < LATENCY_JOBS + 20; i++) {
    for (let t = 0; t < targets.length; t++) {
      const t0 = performance.now();
      await targets[t]!.kick();
      if (i >= 20) samples[t]!.push(performance.now() - t0);
    }
  }
  const baseMean = samples[0]!.reduce((a, b) => a + b, 0) / samples[0]!.length;
  printRows(
    name,
    targets.map((t, i) => row(name, t.label, samples[i]!, baseMean)),
  );
}

async function throughput(targets: Target[], name: string) {
  const rows: CaseResult[] = [];
  let base = 0;
  for (const t of targets) {
    const t0 = performance.now();
    await t.burst(BURST);
    const perJob = (performance.now() - t0) / BURST;
    if (!base) base = perJob;
    rows.push({
      name,
      label: `${t.label}, ${BURST} jobs`,
      opsPerSec: 1000 / perJob,
      p50us: NaN,
      p99us: NaN,
      ratio: perJob / base,
    });
  }
  printRows(name, rows);
}

/** Our port, on either engine. */
async function portTarget(
  label: string,
  make: (h: ReturnType<typeof handlers>) => Promise<QueuePort>,
): Promise<Target> {
  const h = handlers();
  const q = await make(h);
  return {
    label,
    kick: async () => {
      const started = new Promise<void>((r) => (h.onStart = r));
      await q.enqueue('bench', {});
      await started;
    },
    burst: async (n) => {
      const done = new Promise<void>((r) => ((h.remaining = n), (h.onDone = r)));
      await Promise.all(Array.from({ length: n }, () => q.enqueue('bench-burst', {})));
      await done;
    },
    close: () => q.close(1000),
  };
}

interface BenchHandlers {
  onStart: () => void;
  onDone: () => void;
  remaining: number;
  list: JobHandler[];
}

function handlers(): BenchHandlers {
  const h: BenchHandlers = {
    onStart: () => {},
    onDone: () => {},
    remaining: 0,
    list: [
      { name: 'bench', concurrency: 1, handle: async () => void h.onStart() },
      {
        name: 'bench-burst',
        concurrency: 4,
        handle: async () => {
          if (--h.remaining === 0) h.onDone();
        },
      },
    ],
  };
  return h;
}

const immediateTarget: Target = {
  label: 'bare setImmediate hop (baseline)',
  kick: () => new Promise<void>((r) => setImmediate(r)),
  burst: (n) =>
    new Promise<void>((r) => {
      let left = n;
      for (let i = 0; i < n; i++) setImmediate(() => --left === 0 && r());
    }),
  close: async () => {},
};

function rawBullmqTarget(url: string): Target {
  const prefix = `bench-raw-${Date.now()}`;
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  const q = new Queue('raw', { connection: conn, prefix });
  const qb = new Queue('rawb', { connection: conn, prefix });
  let onStart = () => {};
  let onDone = () => {};
  let remaining = 0;
  const w = new Worker('raw', async () => onStart(), { connection: conn, prefix, concurrency: 1 });
  const wb = new Worker('rawb', async () => void (--remaining === 0 && onDone()), {
    connection: conn,
    prefix,
    concurrency: 4,
  });
  const opts = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } };
  return {
    label: 'raw BullMQ Queue + Worker (baseline)',
    kick: async () => {
      const started = new Promise<void>((r) => (onStart = r));
      await q.add('raw', {}, opts);
      await started;
    },
    burst: async (n) => {
      const done = new Promise<void>((r) => ((remaining = n), (onDone = r)));
      await Promise.all(Array.from({ length: n }, () => qb.add('rawb', {}, opts)));
      await done;
    },
    close: async () => {
      await Promise.all([w.close(), wb.close()]);
      await Promise.all([q.obliterate({ force: true }), qb.obliterate({ force: true })]);
      await Promise.all([q.close(), qb.close()]);
      conn.disconnect();
    },
  };
}

const stops: Array<() => Promise<void>> = [];
try {
  const names = ['bench', 'bench-burst'];
  const memory = await portTarget(
    'MemoryQueue (ours)',
    async (h) => new MemoryQueue({ registry: createRegistry(h.list, names) }),
  );
  await latency([immediateTarget, memory], 'queue: enqueue → start latency, in-process');
  await throughput([immediateTarget, memory], 'queue: burst throughput, in-process');
  await memory.close();

  let url = process.env.MEDICHAT_BENCH_REDIS_URL;
  if (!url) {
    const services = (await import(pathToFileURL(resolve(here, '../scripts/services.mjs')).href)) as ServicesModule;
    const redis = await services.startRedis({ dataDir: join(tmp, 'redis') });
    if (redis) {
      url = redis.url;
      stops.push(() => redis.stop());
    }
  }
  if (!url) console.log('\n(no redis-server: BullMQ rows skipped; apt-get install -y redis-server)');
  else {
    const raw = rawBullmqTarget(url);
    const ours = await portTarget('BullmqQueue (ours)', (h) =>
      BullmqQueue.open({
        url: url!,
        prefix: `bench-ours-${Date.now()}`,
        names,
        registry: createRegistry(h.list, names),
      }),
    );
    await latency([raw, ours], 'queue: enqueue → start latency, BullMQ on Redis');
    await throughput([raw, ours], 'queue: burst throughput, BullMQ on Redis');
    await ours.close();
    await raw.close();
  }
} finally {
  for (const s of stops.reverse()) await s();
  rmSync(tmp, { recursive: true, force: true });
}
