/**
 * Test helpers of the fine-tune routes: a multipart body, an admin's headers, and — for the real
 * end-to-end runs — the trainer venv and llama.cpp's converter (cached by scripts/trainer-ci.sh and
 * scripts/ensure-gguf-convert.sh), and a tiny GGUF base made by `python -m medichat_trainer tiny`.
 *
 * The tiny model's BPE tokenizer is trained on the spot, so its pre-tokenizer hash is in no list
 * of convert_hf_to_gguf.py (which then refuses to export); `tinyConverter()` writes a wrapper
 * that runs the real converter with the pre-tokenizer of an unknown BPE tokenizer set to `gpt-2`.
 * SmolLM2's is known (`smollm`): the product runs the converter itself.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { repoRoot } from '../../engines/inference/tiny-model.test-helpers.js';

const run = promisify(execFile);

export const cache = resolve(process.env.MEDICHAT_CACHE || join(homedir(), '.cache', 'medichat'));
export const trainerPython = join(cache, 'venvs/trainer/bin/python');
export const ggufConvert = join(
  cache,
  'llama-cpp-python/llama_cpp_python-0.3.36/vendor/llama.cpp/convert_hf_to_gguf.py',
);
export const trainerDir = join(repoRoot, 'trainer');

/** Why the real runs cannot happen here, or null when they can. */
export function trainerMissing(): string | null {
  if (!existsSync(trainerPython)) return `no trainer venv at ${trainerPython} (bash scripts/trainer-ci.sh builds it)`;
  if (!existsSync(ggufConvert)) return `no GGUF converter at ${ggufConvert} (bash scripts/ensure-gguf-convert.sh)`;
  return null;
}

export const requireTrainer = process.env.MEDICHAT_REQUIRE_TRAINER === '1';

export function multipart(
  fields: Record<string, string | number>,
  file?: { name?: string; filename?: string; data: Buffer | string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----medichat${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'dataset'}"; filename="${file.filename ?? 'data.jsonl'}"\r\nContent-Type: application/jsonl\r\n\r\n`,
      ),
      Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function adminAuth(
  app: FastifyInstance,
  email: string,
  password: string,
): Promise<{ authorization: string }> {
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  assert.equal(login.statusCode, 200, login.body);
  return { authorization: `Bearer ${login.json().accessToken}` };
}

/** A small chat dataset in the trainer's format (the same as trainer/tests/conftest.py's). */
export function chatDataset(n: number): string {
  const pairs = [
    [
      'What helps a mild headache?',
      'Rest, water, and paracetamol at the label dose. See a doctor if it is sudden and severe.',
    ],
    ['Is a fever of 38 C dangerous?', 'Usually not in adults. Drink fluids; seek care if it lasts over three days.'],
    ['Can I take ibuprofen with food?', 'Yes, taking it with food is kinder to the stomach.'],
    ['How much water should I drink?', 'About 6 to 8 glasses a day, more when it is hot or you exercise.'],
    ['What is a normal resting pulse?', 'For adults, 60 to 100 beats a minute.'],
  ];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const [q, a] = pairs[i % pairs.length]!;
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You are Medichat.' },
          { role: 'user', content: q },
          { role: 'assistant', content: a },
        ],
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

const WRAPPER = `# Runs llama.cpp's convert_hf_to_gguf.py; a BPE tokenizer it does not know gets the gpt-2 pre-tokenizer.
import runpy, sys
from pathlib import Path
real = ${JSON.stringify(ggufConvert)}
sys.path.insert(0, str(Path(real).parent))
import conversion.base as base
known = base.TextModel.get_vocab_base_pre
def pre(self, tokenizer):
    try:
        return known(self, tokenizer)
    except NotImplementedError:
        return "gpt-2"
base.TextModel.get_vocab_base_pre = pre
sys.argv[0] = real
runpy.run_path(real, run_name="__main__")
`;

const fixtures = join(cache, 'fixtures', 'fine-tune-tiny-v1');

/** The converter wrapper for tiny models (see the header). */
export async function tinyConverter(): Promise<string> {
  await mkdir(fixtures, { recursive: true });
  const file = join(fixtures, 'convert-tiny.py');
  await writeFile(file, WRAPPER);
  return file;
}

/** A tiny GGUF base (Llama architecture, 2 layers, 512-token BPE), made once and cached. */
export async function ensureTinyBase(): Promise<{ gguf: string; data: string }> {
  const gguf = join(fixtures, 'tiny-base.gguf');
  const data = join(fixtures, 'data.jsonl');
  if (existsSync(gguf) && existsSync(data)) return { gguf, data };
  const work = join(fixtures, `work-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await writeFile(data, chatDataset(40));
  await run(trainerPython, ['-m', 'medichat_trainer', 'tiny', data, join(work, 'hf')], { cwd: trainerDir });
  await run(
    trainerPython,
    [await tinyConverter(), join(work, 'hf'), '--outfile', join(work, 'tiny.gguf'), '--outtype', 'f32'],
    {
      cwd: trainerDir,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  await rename(join(work, 'tiny.gguf'), gguf);
  await rm(work, { recursive: true, force: true });
  return { gguf, data };
}

/** Poll `GET /api/models/:id/status` until `until` holds (or the time runs out). */
export async function pollStatus(
  app: FastifyInstance,
  auth: { authorization: string },
  id: string,
  until: (s: { state: string; step: number }) => boolean,
  timeoutMs = 240_000,
): Promise<Record<string, unknown> & { state: string; step: number }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/models/${id}/status`, headers: auth });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json();
    if (until(s)) return s;
    if (Date.now() > end) assert.fail(`timed out waiting; last status ${JSON.stringify(s).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
