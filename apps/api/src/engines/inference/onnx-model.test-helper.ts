/**
 * Test helpers for the transformers.js engine: a tiny ONNX model directory the project makes itself
 * with `scripts/make-tiny-onnx.py` (llama architecture, 2 layers, hidden 32, KV cache, fp32 + q8 + q4
 * variants, ~0.8 MB in all; outputs are meaningless, so tests assert plumbing, never content).
 *
 * `ensureTinyOnnx()` generates it once into `$MEDICHAT_CACHE/fixtures` (default
 * `~/.cache/medichat/fixtures`), in a directory named after the generator's hash (editing the script
 * regenerates it), installing the script's Python deps (`scripts/requirements-fixtures.txt`) with
 * pip when they are missing. Concurrent callers (and parallel test files) share one generation: the
 * script writes to a temporary directory and renames it into place.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const python = process.env.PYTHON || 'python3';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
export const onnxGeneratorScript = join(repoRoot, 'scripts/make-tiny-onnx.py');

function fixturesDir(): string {
  return join(process.env.MEDICHAT_CACHE || join(homedir(), '.cache', 'medichat'), 'fixtures');
}

async function ensureDeps(): Promise<void> {
  try {
    await run(python, ['-c', 'import numpy, onnx, tokenizers, onnxruntime']);
  } catch {
    await run(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '-r',
        join(repoRoot, 'scripts/requirements-fixtures.txt'),
      ],
      { timeout: 600_000 },
    );
  }
}

let pending: Promise<string> | null = null;

/** Directory of the tiny ONNX model (config, tokenizer, `onnx/model{,_quantized,_q4}.onnx`). */
export function ensureTinyOnnx(): Promise<string> {
  const tag = createHash('sha256').update(readFileSync(onnxGeneratorScript)).digest('hex').slice(0, 12);
  const out = join(fixturesDir(), `tiny-onnx-${tag}`);
  if (existsSync(join(out, 'onnx', 'model.onnx'))) return Promise.resolve(out);
  pending ??= (async () => {
    await ensureDeps();
    const tmp = `${out}.${process.pid}.tmp`;
    try {
      await run(python, [onnxGeneratorScript, '--out', tmp], { timeout: 300_000 });
      // Another test process may have won the race: its copy is identical (the generator is seeded).
      await rename(tmp, out).catch((err: NodeJS.ErrnoException) => {
        if (!existsSync(join(out, 'onnx', 'model.onnx'))) throw err;
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return out;
  })();
  pending.catch(() => (pending = null));
  return pending;
}
