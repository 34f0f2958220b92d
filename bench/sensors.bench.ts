/**
 * Sensors bench: readings ingest, chart downsampling, and the Apple Health import's memory.
 *
 *   node --conditions=development --import tsx bench/sensors.bench.ts
 *
 * 1. Ingest on SQLite, batches of 500 heart-rate readings: SensorService.ingest (validation, unit
 *    conversion, duplicate check, the store's transaction) vs raw better-sqlite3 inserting the same
 *    rows into an identical table in one transaction per batch. Goal: ratio (raw time / ours) ≥ 0.8,
 *    i.e. ours takes at most 1.25× raw, and ≥ 20,000 readings/s.
 * 2. A 30-day heart-rate chart (1 reading/min = 43,200 points) downsampled to hourly min/mean/max:
 *    SensorService.query (SQL GROUP BY) vs raw better-sqlite3 reading the 43,200 rows and
 *    bucketing them in JS. Goal: p99 ≤ 50 ms.
 * 3. Apple Health import of a generated export: readings/s and peak RSS over the import vs RSS
 *    before it (flat memory: the peak must not grow with the file), as export.xml and as the
 *    export.zip the Health app shares (read out of the archive by yauzl). 40 MB by default (a few
 *    seconds); `--big` (or MEDICHAT_BENCH_BIG=1) makes it the 200 MB, written to
 *    the system temp directory and removed after (over a minute on a busy 2-core machine with its
 *    generation and zipping, so not part of `npm run bench` by default); MEDICHAT_BENCH_IMPORT_MB sets any other size.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { ReadingInput } from '@medichat/shared';
import { openReadingStore, SqliteEngine } from '../apps/api/src/engines/storage/index.js';
import { SensorService } from '../apps/api/src/modules/sensors/index.js';
import {
  writeAppleHealthExport,
  zipAppleHealthExport,
} from '../apps/api/src/modules/sensors/apple-health.test-helpers.js';
import { compare, printRows } from './lib.js';

const tmp = mkdtempSync(join(tmpdir(), 'medichat-bench-sensors-'));
const engine = new SqliteEngine({ dataDir: tmp, collections: [] });
await engine.open();
const store = openReadingStore(engine);
const sensors = new SensorService({ readings: store });
const raw = new Database(join(tmp, 'raw.sqlite'));
raw.pragma('journal_mode = WAL');
raw.pragma('synchronous = NORMAL');
raw.exec(`CREATE TABLE readings (owner TEXT NOT NULL, type TEXT NOT NULL, start INTEGER NOT NULL, source TEXT NOT NULL,
  "end" INTEGER, value REAL NOT NULL, value2 REAL, device TEXT, PRIMARY KEY (owner, type, start, source)) WITHOUT ROWID;
  CREATE INDEX readings_owner_start ON readings (owner, start); CREATE INDEX readings_owner_source ON readings (owner, source);`);
const rawInsert = raw.prepare(
  'INSERT INTO readings (owner, type, start, source, "end", value, value2, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
);
const rawBatch = raw.transaction((rows: Array<[number, number]>) => {
  for (const [t, v] of rows) rawInsert.run('bench', 'heart_rate', t, 'strap', null, v, null, null);
});

const BATCH = 500;
const T0 = Date.UTC(2025, 0, 1);
let nextOurs = 0;
let nextRaw = 0;
const oursBatch = (): ReadingInput[] => {
  const base = T0 + nextOurs * 1000;
  nextOurs += BATCH;
  return Array.from({ length: BATCH }, (_, i) => ({
    type: 'heart_rate' as const,
    value: 60 + (i % 40),
    unit: '/min',
    time: new Date(base + i * 1000).toISOString(),
    source: 'strap',
  }));
};
// Inputs are made before timing (a client sends JSON; parsing it is Fastify's, not ours).
const ingest = await compare(
  `ingest: ${BATCH} readings per batch, SQLite (ops = batches)`,
  [
    'raw better-sqlite3, one transaction',
    () => {
      const base = T0 + nextRaw * 1000;
      nextRaw += BATCH;
      rawBatch(Array.from({ length: BATCH }, (_, i) => [base + i * 1000, 60 + (i % 40)]));
    },
  ],
  [['SensorService.ingest', () => sensors.ingest('bench', oursBatch())]],
  { batch: 10, rounds: 20, warmupRounds: 2 },
);
const [rawRow, oursRow] = ingest;
console.log(
  `\ningest: ours ${(oursRow!.opsPerSec * BATCH).toFixed(0)} readings/s, raw ${(rawRow!.opsPerSec * BATCH).toFixed(0)} readings/s; ratio raw time / ours ${(1 / oursRow!.ratio).toFixed(2)} (goal ≥ 0.80, ≥ 20,000/s)`,
);

// 30 days of 1/min heart rate for one owner, both tables.
const DAYS = 30;
const start = Date.UTC(2025, 5, 1);
const month: ReadingInput[] = [];
for (let m = 0; m < DAYS * 1440; m++)
  month.push({
    type: 'heart_rate',
    value: 55 + ((m * 7) % 60),
    unit: '/min',
    time: new Date(start + m * 60_000).toISOString(),
    source: 'watch',
  });
for (let i = 0; i < month.length; i += 5000) await sensors.ingest('chart', month.slice(i, i + 5000));
raw.transaction(() => {
  for (let m = 0; m < DAYS * 1440; m++)
    rawInsert.run('chart', 'heart_rate', start + m * 60_000, 'watch', null, 55 + ((m * 7) % 60), null, null);
})();
const rawRange = raw.prepare(
  'SELECT start, value FROM readings WHERE owner = ? AND type = ? AND start >= ? AND start < ? ORDER BY start',
);
const from = new Date(start).toISOString();
const to = new Date(start + DAYS * 86_400_000).toISOString();
const chart = await compare(
  `30-day heart-rate chart: ${DAYS * 1440} points → hourly min/mean/max`,
  [
    'raw better-sqlite3 rows + JS buckets',
    () => {
      const out = new Map<number, { min: number; max: number; sum: number; n: number }>();
      for (const r of rawRange.iterate('chart', 'heart_rate', start, start + DAYS * 86_400_000) as Iterable<{
        start: number;
        value: number;
      }>) {
        const k = Math.floor((r.start - start) / 3_600_000);
        const b = out.get(k);
        if (b) {
          b.n++;
          b.sum += r.value;
          if (r.value < b.min) b.min = r.value;
          if (r.value > b.max) b.max = r.value;
        } else out.set(k, { min: r.value, max: r.value, sum: r.value, n: 1 });
      }
      return out;
    },
  ],
  [
    [
      'SensorService.query bucket=1h',
      () => sensors.query('chart', { type: 'heart_rate', from, to, bucket: '1h', limit: 2000 }),
    ],
  ],
  { batch: 5, rounds: 20, warmupRounds: 2 },
);
console.log(`\nchart p99: ours ${(chart[1]!.p99us / 1000).toFixed(1)} ms (goal ≤ 50 ms)`);

// Apple Health import: throughput and peak RSS, export.xml then export.zip.
const big = process.argv.includes('--big') || process.env.MEDICHAT_BENCH_BIG === '1';
const mb = Number(process.env.MEDICHAT_BENCH_IMPORT_MB ?? (big ? 200 : 40));
const file = join(tmp, 'export.xml');
// ~520 bytes per heart-rate record: days at 1/min to reach the size.
const days = Math.max(1, Math.round((mb * 1024 * 1024) / (1440 * 520)));
await writeAppleHealthExport(file, { start: Date.UTC(2024, 0, 1), days, hrEveryMin: 1 });
const size = statSync(file).size;
const zipFile = join(tmp, 'export.zip');
await zipAppleHealthExport(file, zipFile);
const zipSize = statSync(zipFile).size;

async function measureImport(owner: string, path: string) {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const result = await sensors.importFile(owner, path, 'apple-health', async () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  return { result, seconds, before, peak };
}

const MB = (n: number) => (n / 1024 / 1024).toFixed(0);
const runs = [
  { label: `export.xml ${MB(size)} MB`, ...(await measureImport('import-xml', file)) },
  { label: `export.zip ${MB(zipSize)} MB (xml ${MB(size)} MB)`, ...(await measureImport('import-zip', zipFile)) },
];
printRows(
  `Apple Health import: ${MB(size)} MB export.xml${big ? ' (--big)' : ''}`,
  runs.map((r) => ({
    name: r.label,
    label: `${r.label}: ${r.result.inserted} readings`,
    opsPerSec: r.result.inserted / r.seconds,
    p50us: NaN,
    p99us: NaN,
    ratio: NaN,
  })),
);
for (const r of runs)
  console.log(
    `import ${r.label}: ${r.seconds.toFixed(1)} s, ${(r.result.inserted / r.seconds).toFixed(0)} readings/s, ${(size / 1024 / 1024 / r.seconds).toFixed(1)} MB of XML/s; RSS before ${MB(r.before)} MB, peak ${MB(r.peak)} MB (+${MB(r.peak - r.before)} MB)`,
  );

await engine.close();
raw.close();
rmSync(tmp, { recursive: true, force: true });
