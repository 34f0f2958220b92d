/**
 * Test helpers: tiny GGUF models the project makes itself (`scripts/make-tiny-gguf.py`), and the
 * real default model for the few tests and the bench that need it.
 *
 * - `ensureTinyGguf()` returns the committed fixture `apps/api/test/fixtures/tiny-llama.gguf`
 *   (seed 1, ~0.5 MB) when it is there; other seeds, or `{ fresh: true }`, run the generator once
 *   into the cache (`$MEDICHAT_CACHE/fixtures`, default `~/.cache/medichat/fixtures`), installing
 *   its Python deps (`scripts/requirements-fixtures.txt`) with pip when they are missing.
 * - `cacheDir()` is where tests and benches keep downloads between runs.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
export const generatorScript = join(repoRoot, 'scripts/make-tiny-gguf.py');
export const committedTinyGguf = join(repoRoot, 'apps/api/test/fixtures/tiny-llama.gguf');

export function cacheDir(...parts: string[]): string {
  return join(process.env.MEDICHAT_CACHE || join(homedir(), '.cache', 'medichat'), ...parts);
}

const python = process.env.PYTHON || 'python3';

async function ensureFixtureDeps(): Promise<void> {
  try {
    await run(python, ['-c', 'import gguf, numpy']);
  } catch {
    await run(python, [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '-r',
      join(repoRoot, 'scripts/requirements-fixtures.txt'),
    ]);
  }
}

const pending = new Map<string, Promise<string>>();

/** Run the generator into `out` (temp name, then rename: parallel test files never see half a file). */
export async function generateTinyGguf(out: string, seed = 1): Promise<string> {
  await ensureFixtureDeps();
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  try {
    await run(python, [generatorScript, '--out', tmp, '--seed', String(seed)]);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  return out;
}

/** Path of a tiny llama GGUF (see the file comment). */
export function ensureTinyGguf(options: { seed?: number; fresh?: boolean } = {}): Promise<string> {
  const seed = options.seed ?? 1;
  if (seed === 1 && !options.fresh && existsSync(committedTinyGguf)) return Promise.resolve(committedTinyGguf);
  // The generator's own hash names the file: editing the script regenerates the fixture.
  const tag = createHash('sha256').update(readFileSync(generatorScript)).digest('hex').slice(0, 12);
  const out = cacheDir('fixtures', `tiny-llama-s${seed}-${tag}.gguf`);
  if (existsSync(out)) return Promise.resolve(out);
  let p = pending.get(out);
  if (!p) {
    p = generateTinyGguf(out, seed);
    pending.set(out, p);
    p.catch(() => pending.delete(out));
  }
  return p;
}
