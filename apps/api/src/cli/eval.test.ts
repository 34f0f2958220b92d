/**
 * `medichat eval` on a temp DATA_DIR (real config, real SQLite registry) with the tiny GGUF
 * registered: the table, the failed checks and the JSON report; usage errors and an unknown model
 * name (which lists the available ones) exit non-zero; the `npm run eval` entry point runs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig, type Config } from '../config/config.js';
import { ensureTinyGguf, repoRoot } from '../engines/inference/tiny-model.test-helpers.js';
import { openStorage, type Storage } from '../engines/storage/index.js';
import type { EvalReport } from '../modules/eval/eval.runner.js';
import { evalCommand } from './eval.js';
import { buildEvalPipeline } from '../container.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

describe('medichat eval', () => {
  let dir: string;
  let config: Config;
  let storage: Storage;
  const env = (dataDir: string) => ({
    DATA_DIR: dataDir,
    MAX_REPLY_TOKENS: '16',
    LLAMA_CONTEXT_SIZE: '2048',
    LLAMA_THREADS: '1',
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medichat-cli-eval-'));
    config = loadConfig(env(join(dir, 'data')));
    storage = await openStorage({ dataDir: config.dataDir });
    const now = new Date();
    await storage.models.insert({
      id: uuidv7(),
      name: 'tiny-llama',
      engine: 'llama-cpp',
      kind: 'base',
      source: 'file:tiny',
      path: await ensureTinyGguf(),
      status: 'available',
      isDefault: true,
      createdAt: now,
      updatedAt: now,
    });
  });
  after(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await evalCommand(args, {
      config,
      models: storage.models,
      pipeline: (parallel) => buildEvalPipeline({ config, log: quiet, parallel }),
      stdout,
      stderr,
    });
    return { code, out: stdout.text, err: stderr.text };
  };

  test('runs the chosen suites and prints the table, the check rates and the failed checks; --json writes the report', async () => {
    const json = join(dir, 'report.json');
    const r = await run(['--model', 'tiny-llama', '--suite', 'quality,red-flag', '--limit', '2', '--json', json]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /model tiny-llama \(llama-cpp\), max 16 tokens, greedy/);
    assert.match(r.out, /\| suite\s+\| cases \| passed \|\s+score \| mean tokens \| mean latency \| errors \|/);
    assert.match(r.out, /\| quality\s+\|\s+2 \|\s+\d \|\s+\d+\.\d% \|\s+\d+\.\d \|\s+\d+\.\d\d s \|\s+0 \|/);
    assert.match(r.out, /\| red-flag\s+\|\s+2 \|/);
    assert.doesNotMatch(r.out, /\| medication/);
    // The tiny model never says colds are viral: that case fails, and the table says why.
    assert.match(r.out, /failed checks:\n✗ quality\/cold-antibiotics-request\n {4}- says colds are viral/);
    assert.match(r.err, /\[4\/4\]/);
    const report = JSON.parse(await readFile(json, 'utf8')) as EvalReport;
    assert.equal(report.model, 'tiny-llama');
    assert.deepEqual(
      report.cases.map((c) => c.id),
      ['common-cold-adult', 'cold-antibiotics-request', 'chest-pain-crushing', 'chest-tight-breathless'],
    );
    assert.ok(report.cases.every((c) => typeof c.answer?.content === 'string'));
  });

  test('without --model the default model answers', async () => {
    const r = await run(['--suite', 'medication', '--limit', '1', '--max-tokens', '8']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /model tiny-llama .*max 8 tokens/);
  });

  test('an unknown model is a clear error listing the available names', async () => {
    const r = await run(['--model', 'gpt-99']);
    assert.equal(r.code, 66);
    assert.match(r.err, /no available model named "gpt-99"; available: tiny-llama/);
    assert.equal(r.out, '');
  });

  test('bad arguments are usage errors', async () => {
    for (const args of [['--suite', 'speed'], ['--limit', '0'], ['--limit', 'x'], ['--bogus'], ['extra']]) {
      const r = await run(args);
      assert.equal(r.code, 64, args.join(' '));
      assert.match(r.err, /usage: medichat eval/);
    }
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /--suite/);
  });

  test('`npm run eval` runs through the medichat entry point with the env config', () => {
    const r = spawnSync('npm', ['run', '--silent', 'eval', '--', '--model', 'nope'], {
      cwd: repoRoot,
      env: { ...process.env, ...env(join(dir, 'data')) },
      encoding: 'utf8',
    });
    assert.equal(r.status, 66, r.stderr);
    assert.match(r.stderr, /available: tiny-llama/);
  });
});
