/**
 * The tiny-GGUF generator (`scripts/make-tiny-gguf.py`): deterministic, and what it writes loads in
 * node-llama-cpp with its chat template and generates tokens.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { test } from 'node:test';
import { LlamaCppEngine } from './llama-cpp.engine.js';
import { cacheDir, committedTinyGguf, ensureTinyGguf, generateTinyGguf } from './tiny-model.test-helpers.js';

test('the generator is deterministic and its output loads and generates', async () => {
  const path = await ensureTinyGguf({ seed: 2 });
  const again = cacheDir('fixtures', `determinism-${process.pid}.gguf`);
  try {
    await generateTinyGguf(again, 2);
    assert.ok((await readFile(path)).equals(await readFile(again)), 'same seed, same bytes');
  } finally {
    await rm(again, { force: true });
  }
  assert.ok(!(await readFile(path)).equals(await readFile(committedTinyGguf)), 'another seed, other weights');

  const engine = new LlamaCppEngine({ contextSize: 256, parallel: 1, threads: 1 });
  try {
    const model = await engine.load({ id: 's2', name: 's2', engine: 'llama-cpp', path });
    assert.equal(model.chatWrapperName, 'ChatML');
    assert.deepEqual(
      model.model.tokenizer('<|im_start|>', true).length,
      1,
      'chat-template control tokens are single tokens',
    );
    const chunks: string[] = [];
    const r = await model.generate({
      messages: [{ role: 'user', content: 'hello' }],
      maxTokens: 10,
      onToken: (t) => chunks.push(t),
    });
    assert.equal(r.completionTokens, 10);
    assert.equal(chunks.join(''), r.text);
  } finally {
    await engine.close();
  }
});
