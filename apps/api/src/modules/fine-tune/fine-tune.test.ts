/**
 * The upload check (line numbers, limits) agrees with the trainer's own check, run for real with
 * python3 (trainer/medichat_trainer/dataset.py needs no torch); the progress fold gives states,
 * series and ETA from the trainer's JSON lines.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyLine, checkDataset, initialStatus, type FineTuneStatus } from './index.js';

const good = JSON.stringify({
  messages: [
    { role: 'user', content: 'What helps a headache?' },
    { role: 'assistant', content: 'Rest and water.' },
  ],
});
const bad = [
  good,
  '{not json',
  JSON.stringify({
    messages: [
      { role: 'doctor', content: 'x' },
      { role: 'assistant', content: 'y' },
    ],
  }),
  JSON.stringify({
    messages: [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ],
  }),
  JSON.stringify({ text: 'no messages' }),
  '',
  JSON.stringify({
    messages: [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: '  ' },
    ],
  }),
  good,
].join('\n');

describe('fine-tune dataset check', () => {
  test('accepts a valid file and skips blank lines', () => {
    assert.deepEqual(checkDataset(`${good}\n\n${good}\r\n`), { ok: true, examples: 2, errors: [] });
  });

  test('reports each bad line by its 1-based number', () => {
    const r = checkDataset(bad);
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [2, 3, 4, 5, 7],
    );
    assert.match(r.errors[0]!.message, /JSON/);
    assert.match(r.errors[1]!.message, /role/);
    assert.match(r.errors[2]!.message, /assistant/);
  });

  test('limits: empty file, too many examples, too long a line', () => {
    assert.equal(checkDataset('\n \n').ok, false);
    assert.deepEqual(
      checkDataset([good, good, good, good].join('\n'), 3).errors.map((e) => e.line),
      [4],
    );
    const long = JSON.stringify({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'x'.repeat(70_000) },
      ],
    });
    assert.match(checkDataset(long).errors[0]!.message, /longer than/);
  });

  test('agrees line for line with the trainer’s own validator (python3, real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-ds-'));
    try {
      const file = join(dir, 'bad.jsonl');
      writeFileSync(file, bad);
      const trainerDir = resolve(fileURLToPath(import.meta.url), '../../../../../../trainer');
      let out = '';
      try {
        execFileSync('python3', ['-m', 'medichat_trainer', 'validate', file], { cwd: trainerDir, encoding: 'utf8' });
        assert.fail('the trainer accepted a bad dataset');
      } catch (e) {
        const err = e as { status?: number; stdout?: string };
        assert.equal(err.status, 2);
        out = err.stdout ?? '';
      }
      const py = JSON.parse(out) as { errors: { line: number }[] };
      assert.deepEqual(
        py.errors.map((e) => e.line),
        checkDataset(bad).errors.map((e) => e.line),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fine-tune progress fold', () => {
  const fold = (lines: string[]): FineTuneStatus => lines.reduce(applyLine, initialStatus());
  const j = (o: object): string => JSON.stringify(o);

  test('queued → validating → running → evaluating with series and ETA', () => {
    const lines = [
      j({ event: 'validated', ok: true, t: 0.1 }),
      'Loading weights: 100%',
      j({ event: 'start', total: 3, base_eval_loss: 6.2, t: 1 }),
      j({ event: 'step', step: 1, total: 3, loss: 6.0, eta_s: 2, tokens_per_s: 100 }),
      j({ event: 'step', step: 2, total: 3, loss: 5.5, eta_s: 1, tokens_per_s: 110 }),
    ];
    let s = fold(lines.slice(0, 1));
    assert.equal(s.state, 'validating');
    s = fold(lines);
    assert.equal(s.state, 'running');
    assert.deepEqual([s.step, s.total, s.etaSeconds, s.baseEvalLoss], [2, 3, 1, 6.2]);
    assert.deepEqual(
      s.loss.map((p) => p.value),
      [6.0, 5.5],
    );
    s = fold([
      ...lines,
      j({ event: 'step', step: 3, total: 3, loss: 5.1, eta_s: 0 }),
      j({ event: 'eval', step: 3, eval_loss: 5.9 }),
      j({ event: 'merging' }),
      j({ event: 'done', eval_loss: 5.9 }),
    ]);
    assert.equal(s.state, 'evaluating');
    assert.deepEqual(s.evalLoss, [{ step: 3, value: 5.9 }]);
    assert.deepEqual(
      s.events.map((e) => e.event),
      ['validated', 'start', 'eval', 'merging', 'done'],
    );
  });

  test('error, cancel and an invalid dataset are terminal and stay so', () => {
    assert.equal(fold([j({ event: 'validated', ok: false })]).state, 'failed');
    const f = fold([
      j({ event: 'start', total: 2 }),
      j({ event: 'error', message: 'OOM' }),
      j({ event: 'step', step: 1 }),
    ]);
    assert.deepEqual([f.state, f.error, f.step], ['failed', 'OOM', 0]);
    assert.equal(fold([j({ event: 'start', total: 2 }), j({ event: 'cancelled', step: 1 })]).state, 'cancelled');
  });
});
