/**
 * The MiniLM embedding engine on the real model (from the cache, pulled on first use): vectors of
 * 384 unit-length floats, batch = one by one, related texts closer than unrelated ones, the event
 * loop free while the worker computes, clear errors for a missing model and a closed engine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestEmbeddingEngine } from './embedding.test-helper.js';
import { EmbeddingEngineError } from './port.js';
import { TransformersEmbeddingEngine } from './transformers-embedding.engine.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('TransformersEmbeddingEngine (all-MiniLM-L6-v2 int8)', () => {
  let engine: TransformersEmbeddingEngine;
  before(async () => {
    engine = await openTestEmbeddingEngine();
  });
  after(async () => {
    await engine.close();
  });

  test('384 dimensions, unit length, deterministic; a batch equals one-by-one', async () => {
    assert.equal(engine.dimensions, 384);
    assert.equal(engine.modelId, 'all-minilm-l6-v2-q8');
    const texts = ['I have a bad headache', 'How much paracetamol can I take?', 'a'];
    const batch = await engine.embed(texts);
    assert.equal(batch.length, 3);
    for (const [i, t] of texts.entries()) {
      const [one] = await engine.embed([t]);
      assert.equal(one!.length, 384);
      assert.ok(Math.abs(dot(one!, one!) - 1) < 1e-4, 'unit length');
      assert.ok(dot(one!, batch[i]!) > 0.9999, `batch and single agree for ${t}`);
    }
    assert.deepEqual(await engine.embed([]), []);
  });

  test('related texts are closer than unrelated ones', async () => {
    const [q, migraine, bread, warfarin] = await engine.embed([
      'throbbing pain on one side of my head and light hurts my eyes',
      'Migraine: a throbbing headache, often on one side, with sensitivity to light',
      'How to bake sourdough bread at home',
      'Warfarin is a blood thinner; avoid ibuprofen',
    ]);
    assert.ok(dot(q!, migraine!) > 0.5, `migraine ${dot(q!, migraine!)}`);
    assert.ok(dot(q!, migraine!) > dot(q!, bread!) + 0.3);
    assert.ok(dot(q!, migraine!) > dot(q!, warfarin!) + 0.3);
  });

  test('a long text is truncated, not an error; concurrent calls each get their own answer', async () => {
    const long = 'chest pain '.repeat(2000);
    const [a, b, c] = await Promise.all([
      engine.embed([long]),
      engine.embed(['fever in a baby']),
      engine.embed(['fever in a baby']),
    ]);
    assert.equal(a[0]!.length, 384);
    assert.ok(dot(b[0]!, c[0]!) > 0.9999);
  });

  test('the event loop stays free while the worker embeds', async () => {
    const texts = Array.from(
      { length: 64 },
      (_, i) => `question number ${i} about stomach pain and vomiting after eating`,
    );
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    await engine.embed(texts);
    const took = performance.now() - t0;
    clearInterval(timer);
    assert.ok(took > 30, `the batch took ${took.toFixed(0)} ms (long enough to measure)`);
    assert.ok(maxGap < 60, `event-loop gap ${maxGap.toFixed(1)} ms during ${took.toFixed(0)} ms of embedding`);
  });
});

describe('TransformersEmbeddingEngine errors', () => {
  test('a missing model directory fails the open clearly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'medichat-emb-missing-'));
    try {
      await assert.rejects(TransformersEmbeddingEngine.open({ dir: join(dir, 'nope') }), (err: unknown) => {
        assert.ok(err instanceof EmbeddingEngineError);
        assert.match(err.message, /cannot load the embedding model/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a closed engine rejects', async () => {
    const e = await openTestEmbeddingEngine();
    await e.close();
    await assert.rejects(e.embed(['x']), /closed/);
    await e.close();
  });
});
