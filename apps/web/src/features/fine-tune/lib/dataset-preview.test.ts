/** The browser's dataset check: line numbers of bad lines, the preview, and the file-level limits. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FINE_TUNE_MAX_DATASET_BYTES } from '@medichat/shared';
import { previewDataset } from './dataset-preview';

const good = (q: string) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: q },
      { role: 'assistant', content: `About ${q}: see a doctor if it lasts.` },
    ],
  });

test('bad lines are named by their 1-based line number (blank lines count, are skipped)', () => {
  const text = [
    good('headache'),
    '',
    '{not json',
    good('cough'),
    JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] }),
    JSON.stringify({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ],
    }),
    JSON.stringify({
      messages: [
        { role: 'doctor', content: 'x' },
        { role: 'assistant', content: 'y' },
      ],
    }),
    JSON.stringify({
      messages: [
        { role: 'user', content: '  ' },
        { role: 'assistant', content: 'y' },
      ],
    }),
    good('fever'),
    good('rash'),
  ].join('\r\n');
  const r = previewDataset(text);
  assert.equal(r.ok, false);
  assert.equal(r.examples, 4);
  assert.deepEqual(
    r.errors.map((e) => e.line),
    [3, 5, 6, 7, 8],
  );
  assert.match(r.errors[0]!.message, /not valid JSON/);
  assert.match(r.errors[1]!.message, /at least a user and an assistant/);
  assert.match(r.errors[2]!.message, /no assistant message/);
  assert.match(r.errors[3]!.message, /^messages\.0\.role/);
  assert.match(r.errors[4]!.message, /non-empty/);
  assert.deepEqual(
    r.preview.map((p) => [p.line, p.example.messages[0]!.content]),
    [
      [1, 'headache'],
      [4, 'cough'],
      [9, 'fever'],
    ],
  );
});

test('a clean file passes; too few examples, an empty file and an oversized file do not', () => {
  const four = ['a', 'b', 'c', 'd'].map(good).join('\n');
  assert.deepEqual(previewDataset(four).errors, []);
  assert.equal(previewDataset(four, { previewCount: 1 }).preview.length, 1);
  const two = previewDataset(['a', 'b'].map(good).join('\n'));
  assert.equal(two.ok, false);
  assert.match(two.errors[0]!.message, /at least 4 examples/);
  assert.deepEqual(previewDataset('\n\n').errors, [{ line: 0, message: 'the dataset has no examples' }]);
  const big = previewDataset(four, { sizeBytes: FINE_TUNE_MAX_DATASET_BYTES + 1 });
  assert.equal(big.ok, false);
  assert.match(big.errors[0]!.message, /larger than 20 MB/);
});
