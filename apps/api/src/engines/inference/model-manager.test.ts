/**
 * ModelManager. The scenarios run on the real node-llama-cpp engine with tiny GGUFs the project
 * generates; only the pure LRU-policy unit test uses a fake engine (labelled FAKE below), because
 * it checks bookkeeping order, not inference. The llama engine uses one CPU thread: the test runner
 * runs two files at once on a 2-core machine, and llama.cpp's worker threads busy-wait.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LlamaCppEngine } from './llama-cpp.engine.js';
import { ModelManager, type ModelManagerEvent } from './model-manager.js';
import type { InferenceEngine, LoadedModel, LoadProgress, ModelDescriptor } from './port.js';
import { ensureTinyGguf } from './tiny-model.test-helpers.js';

const messages = [{ role: 'user' as const, content: 'Is it safe to take ibuprofen with food?' }];

// ---------------------------------------------------------------------------------------------
// FAKE engine — for the pure LRU-policy unit test only. No inference happens here.
// ---------------------------------------------------------------------------------------------
class FakeEngine implements InferenceEngine {
  readonly name = 'llama-cpp' as const;
  loads: string[] = [];
  disposed: string[] = [];
  constructor(private readonly sizes: Record<string, number>) {}
  async load(d: ModelDescriptor): Promise<LoadedModel> {
    this.loads.push(d.id);
    await new Promise((r) => setTimeout(r, 2));
    const disposed = this.disposed;
    return {
      id: d.id,
      memoryBytes: this.sizes[d.id] ?? 100,
      generate: async () => ({ text: '', finishReason: 'stop', totalMs: 0 }),
      dispose: async () => {
        disposed.push(d.id);
      },
    };
  }
  async close(): Promise<void> {}
}

const fake = (id: string): ModelDescriptor => ({ id, name: id, engine: 'llama-cpp', path: `/fake/${id}` });

describe('ModelManager LRU policy (FAKE engine, bookkeeping only)', () => {
  test('evicts least recently acquired idle models to fit the budget', async () => {
    const engine = new FakeEngine({});
    const m = new ModelManager({ engines: { 'llama-cpp': engine }, memoryBudgetBytes: 250 });
    for (const id of ['A', 'B']) (await m.acquire(fake(id))).release();
    assert.deepEqual(engine.disposed, []);
    (await m.acquire(fake('C'))).release(); // 300 > 250: A is the least recently used
    await settle();
    assert.deepEqual(engine.disposed, ['A']);
    (await m.acquire(fake('B'))).release(); // touch B: now C is the LRU
    (await m.acquire(fake('D'))).release();
    await settle();
    assert.deepEqual(engine.disposed, ['A', 'C']);
    assert.deepEqual(
      m
        .list()
        .map((e) => e.id)
        .sort(),
      ['B', 'D'],
    );
    assert.equal(m.usedBytes, 200);
    await m.close();
    assert.deepEqual(engine.disposed.slice(2).sort(), ['B', 'D']);
  });

  test('a leased model is never disposed; it goes when released if the budget still needs it', async () => {
    const engine = new FakeEngine({});
    const events: ModelManagerEvent[] = [];
    const m = new ModelManager({
      engines: { 'llama-cpp': engine },
      memoryBudgetBytes: 150,
      onEvent: (e) => events.push(e),
    });
    const a = await m.acquire(fake('A'));
    const b = await m.acquire(fake('B'));
    await settle();
    assert.deepEqual(engine.disposed, [], 'both leased: over budget rather than broken');
    assert.ok(events.some((e) => e.type === 'over-budget'));
    b.release();
    await settle();
    assert.deepEqual(engine.disposed, [], 'A is the LRU victim and leased: eviction waits for it, B stays');
    a.release();
    a.release(); // idempotent
    await settle();
    assert.deepEqual(engine.disposed, ['A'], 'released: A goes, B (more recent) stays');
    await m.close();
  });

  test('engines that can size a model ahead get room made before the load', async () => {
    const engine = Object.assign(new FakeEngine({ A: 100, B: 100 }), {
      estimateMemoryBytes: async () => 100,
    });
    const order: string[] = [];
    const m = new ModelManager({
      engines: { 'llama-cpp': engine },
      memoryBudgetBytes: 150,
      onEvent: (e) => (e.type === 'disposed' || e.type === 'loaded' ? order.push(`${e.type}:${e.id}`) : undefined),
    });
    (await m.acquire(fake('A'))).release();
    (await m.acquire(fake('B'))).release();
    assert.deepEqual(order, ['loaded:A', 'disposed:A', 'loaded:B']);
    await m.close();
  });
});

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 10));
}

// ---------------------------------------------------------------------------------------------
// Real engine: node-llama-cpp with tiny GGUFs.
// ---------------------------------------------------------------------------------------------
describe('ModelManager with the llama-cpp engine (tiny GGUF)', () => {
  const engine = new LlamaCppEngine({ contextSize: 512, parallel: 2, threads: 1 });
  let tinyA: string;
  let tinyB: string;
  let oneModelBytes: number;
  let dir: string;

  before(async () => {
    tinyA = await ensureTinyGguf();
    dir = await mkdtemp(join(tmpdir(), 'medichat-mm-'));
    tinyB = join(dir, 'tiny-b.gguf');
    await copyFile(tinyA, tinyB);
    const probe = await engine.load(desc('probe', tinyA));
    oneModelBytes = probe.memoryBytes;
    await probe.dispose();
  });
  after(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  const desc = (id: string, path: string): ModelDescriptor => ({ id, name: id, engine: 'llama-cpp', path });

  test('hot swap: loading B while A streams leaves A intact; A goes after it finishes', async () => {
    const events: Array<ModelManagerEvent & { at: number }> = [];
    const m = new ModelManager({
      engines: { 'llama-cpp': engine },
      memoryBudgetBytes: Math.floor(oneModelBytes * 1.5), // fits one model, not two
      onEvent: (e) => events.push({ ...e, at: performance.now() }),
    });
    const a = await m.acquire(desc('A', tinyA));
    const chunks: string[] = [];
    let chunksWhenBReady = -1;
    const genA = a.model.generate({ messages, maxTokens: 160, onToken: (t) => chunks.push(t) });
    while (chunks.length < 3) await new Promise((r) => setTimeout(r, 2));

    // The user switches to B mid-stream.
    const progressB: LoadProgress[] = [];
    const b = await m.acquire(desc('B', tinyB), (p) => progressB.push(p));
    chunksWhenBReady = chunks.length;
    assert.equal(progressB.at(-1)?.progress, 1);
    const rB = await b.model.generate({ messages, maxTokens: 8 });
    b.release();
    assert.equal(rB.completionTokens, 8);
    assert.ok(!events.some((e) => e.type === 'disposed' && e.id === 'A'), 'A not disposed while leased');

    const rA = await genA;
    assert.equal(rA.finishReason, 'length', "A's generation completed");
    assert.equal(rA.completionTokens, 160);
    assert.equal(chunks.join(''), rA.text, 'A streamed intact, in order');
    assert.ok(chunks.length > chunksWhenBReady, 'A kept streaming after B was loaded');
    assert.ok(!events.some((e) => e.type === 'disposed' && e.id === 'A'), 'still not disposed before release');

    a.release();
    await waitFor(() => events.some((e) => e.type === 'disposed' && e.id === 'A'));
    assert.deepEqual(
      m.list().map((e) => e.id),
      ['B'],
      'the budget keeps one model: the one the user switched to',
    );
    await m.close();
  });

  test('concurrent acquires share one load and every waiter sees progress to 1', async () => {
    let loads = 0;
    const counting: InferenceEngine = {
      name: 'llama-cpp',
      load: (d, p) => {
        loads++;
        return engine.load(d, p);
      },
      close: async () => {},
    };
    const m = new ModelManager({ engines: { 'llama-cpp': counting } });
    const seen: LoadProgress[][] = [[], [], []];
    const leases = await Promise.all(seen.map((s) => m.acquire(desc('C', tinyA), (p) => s.push(p))));
    assert.equal(loads, 1, 'one load');
    assert.ok(
      leases.every((l) => l.model === leases[0]!.model),
      'one model',
    );
    for (const s of seen) {
      assert.ok(s.length >= 1);
      assert.deepEqual(s.at(-1), { phase: 'ready', progress: 1 });
    }
    assert.ok(
      seen[0]!.some((p) => p.phase === 'load'),
      'the first waiter saw load progress',
    );
    // A later acquire of the loaded model: no new load, immediate ready.
    const late: LoadProgress[] = [];
    const again = await m.acquire(desc('C', tinyA), (p) => late.push(p));
    assert.equal(loads, 1);
    assert.deepEqual(late, [{ phase: 'ready', progress: 1 }]);
    const results = await Promise.all(
      [...leases, again].map((l) => l.model.generate({ messages, maxTokens: 6 }).finally(() => l.release())),
    );
    assert.ok(results.every((r) => r.completionTokens === 6));
    await m.close();
  });

  test('a load failure reaches every waiter, is not cached, and a retry works', async () => {
    const path = join(dir, 'broken.gguf');
    await writeFile(path, Buffer.alloc(4096, 7)); // not a GGUF
    const events: ModelManagerEvent[] = [];
    const m = new ModelManager({ engines: { 'llama-cpp': engine }, onEvent: (e) => events.push(e) });
    const d = desc('broken', path);
    const results = await Promise.allSettled([m.acquire(d), m.acquire(d), m.acquire(d)]);
    assert.ok(
      results.every((r) => r.status === 'rejected'),
      'every waiter sees the failure',
    );
    assert.equal(events.filter((e) => e.type === 'load-failed').length, 1, 'one shared load failed');
    assert.deepEqual(m.list(), [], 'nothing cached');

    await copyFile(tinyA, path); // the operator fixes the file
    const lease = await m.acquire(d);
    const r = await lease.model.generate({ messages, maxTokens: 4 });
    lease.release();
    assert.equal(r.completionTokens, 4);
    await m.close();
  });

  test('an unknown engine fails clearly', async () => {
    const m = new ModelManager({ engines: { 'llama-cpp': engine } });
    await assert.rejects(
      m.acquire({ id: 'x', name: 'x', engine: 'transformers', path: '/x' }),
      /no inference engine "transformers"/,
    );
    await m.close();
  });

  test('a waiter can give up (abort) without cancelling the shared load', async () => {
    const m = new ModelManager({ engines: { 'llama-cpp': engine } });
    const ac = new AbortController();
    const first = m.acquire(desc('D', tinyA), undefined, ac.signal);
    const second = m.acquire(desc('D', tinyA));
    ac.abort();
    await assert.rejects(first);
    const lease = await second;
    assert.equal((await lease.model.generate({ messages, maxTokens: 3 })).completionTokens, 3);
    lease.release();
    await m.close();
  });

  test('generate() convenience leases and releases; aborted during the load it returns an aborted result', async () => {
    const m = new ModelManager({ engines: { 'llama-cpp': engine } });
    const ac = new AbortController();
    const pending = m.generate(desc('E', tinyA), { messages, maxTokens: 5, signal: ac.signal });
    ac.abort();
    assert.equal((await pending).finishReason, 'aborted');
    const r = await m.generate(desc('E', tinyA), { messages, maxTokens: 5 });
    assert.equal(r.completionTokens, 5);
    assert.equal(m.list()[0]!.leases, 0);
    await m.close();
    assert.deepEqual(m.list(), []);
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
