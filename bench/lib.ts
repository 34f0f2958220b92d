/**
 * Side-by-side micro/macro benchmark helper. Each case runs its baseline and candidates
 * interleaved in rounds (so drift and noise hit both alike), then prints per-op latency
 * percentiles and the ratio candidate/baseline. Ratios, not absolute numbers, are what we track:
 * they hold across machines.
 */
import { performance } from 'node:perf_hooks';

export type BenchFn = () => unknown | Promise<unknown>;

export interface CaseOptions {
  /** Operations per round per function. */
  batch?: number;
  rounds?: number;
  warmupRounds?: number;
}

export interface CaseResult {
  name: string;
  label: string;
  opsPerSec: number;
  p50us: number;
  p99us: number;
  ratio: number;
}

const results: CaseResult[] = [];

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Measure `baseline` and each candidate side by side. Returns rows; also prints them.
 * The ratio is candidate time per op / baseline time per op (1.00 = as fast as the baseline).
 */
export async function compare(
  name: string,
  baseline: [label: string, fn: BenchFn],
  candidates: Array<[label: string, fn: BenchFn]>,
  options: CaseOptions = {},
): Promise<CaseResult[]> {
  const batch = options.batch ?? 200;
  const rounds = options.rounds ?? 20;
  const warmup = options.warmupRounds ?? 3;
  const all = [baseline, ...candidates];
  const samples = all.map(() => [] as number[]);
  const totals = all.map(() => 0);
  for (let r = 0; r < warmup + rounds; r++) {
    for (let i = 0; i < all.length; i++) {
      const fn = all[i]![1];
      for (let b = 0; b < batch; b++) {
        const t0 = performance.now();
        const out = fn() as { then?: unknown } | undefined;
        // Await any thenable (fastify.inject returns a chainable, not a Promise).
        if (out && typeof out.then === 'function') await out;
        const dt = performance.now() - t0;
        if (r >= warmup) {
          samples[i]!.push(dt);
          totals[i]! += dt;
        }
      }
    }
  }
  const baseMean = totals[0]! / samples[0]!.length;
  const rows = all.map(([label], i) => {
    const s = samples[i]!.sort((a, b) => a - b);
    const mean = totals[i]! / s.length;
    return {
      name,
      label,
      opsPerSec: 1000 / mean,
      p50us: pct(s, 50) * 1000,
      p99us: pct(s, 99) * 1000,
      ratio: mean / baseMean,
    };
  });
  printRows(name, rows);
  results.push(...rows);
  return rows;
}

/** Print a row set computed elsewhere (e.g. throughput cases), keeping one format. */
export function printRows(name: string, rows: CaseResult[]): void {
  console.log(`\n## ${name}`);
  console.log('| variant | ops/s | p50 µs | p99 µs | time ratio vs baseline |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.opsPerSec.toFixed(0)} | ${r.p50us.toFixed(1)} | ${r.p99us.toFixed(1)} | ${r.ratio.toFixed(2)}× |`,
    );
  }
}

export function allResults(): readonly CaseResult[] {
  return results;
}
