/**
 * Runs every `bench/*.bench.ts` (or those named on the command line) one after another, each in its
 * own process so that one bench's heap and JIT state do not colour the next.
 *   npm run bench               all of them
 *   npm run bench -- storage    only bench/storage.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

console.log(`# Medichat benchmarks — node ${process.version}, ${new Date().toISOString()}`);
let failed = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', join(here, f)], {
    stdio: 'inherit',
    env: process.env,
  });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${f} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
