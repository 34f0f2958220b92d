/**
 * LlamaCppEngine on a tiny GGUF the project generates (random weights: the text is meaningless, so
 * these tests assert plumbing — streaming order, stop, abort, concurrency, progress, event loop —
 * never content).
 *
 * Engines here use one CPU thread: the test runner runs two files at once on a 2-core machine, and
 * llama.cpp's worker threads busy-wait — two processes with 2 threads each crawl.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { LlamaCppEngine, type LlamaCppModel } from './llama-cpp.engine.js';
import type { LoadProgress, ModelDescriptor, QueueInfo } from './port.js';
import { cacheDir, ensureTinyGguf } from './tiny-model.test-helpers.js';

const messages = [
  { role: 'system' as const, content: 'You are a careful health assistant.' },
  { role: 'user' as const, content: 'I have a headache, what should I do?' },
];

/**
 * Run `work` while watching the event loop, and assert that it stays free:
 * - busy (ELU) under half the time (real models; the tiny model does next to no native work per
 *   token, so node-llama-cpp's own per-token JS dominates there and only the next bound applies);
 * - no long synchronous stretch: a 5 ms interval samples how long the loop was *running* between
 *   ticks (ELU active time); its p99 stays under 50 ms. Unlike timer lag, this does not count the
 *   time the OS keeps the thread waiting for a core on an oversubscribed machine;
 * - timer lag (what a client feels): p99 under 50 ms beyond the idle loop's own lag, asserted when
 *   the machine is not oversubscribed (load average ≤ cores), reported always.
 */
async function assertLoopResponsive<T extends { completionTokens?: number; totalMs: number }>(
  label: string,
  work: () => Promise<T>,
  { maxBusy = 0.5 }: { maxBusy?: number } = {},
): Promise<T> {
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 1000));
  idle.disable();
  const idleP99 = idle.percentile(99) / 1e6;
  const h = monitorEventLoopDelay({ resolution: 5 });
  const busy: number[] = [];
  let prev = performance.eventLoopUtilization();
  const sampler = setInterval(() => {
    const now = performance.eventLoopUtilization();
    busy.push(performance.eventLoopUtilization(now, prev).active);
    prev = now;
  }, 5);
  const elu0 = performance.eventLoopUtilization();
  const load = loadavg()[0]!;
  h.enable();
  const r = await work();
  h.disable();
  clearInterval(sampler);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const p99 = h.percentile(99) / 1e6;
  busy.sort((a, b) => a - b);
  const busyP99 = busy[Math.min(busy.length - 1, Math.ceil(busy.length * 0.99) - 1)] ?? 0;
  const oversubscribed = load > availableParallelism();
  console.log(
    `# ${label}: ${r.completionTokens} tokens in ${r.totalMs.toFixed(0)} ms; loop busy ${(elu * 100).toFixed(1)}%, longest busy stretch p99 ${busyP99.toFixed(1)} ms / max ${(busy.at(-1) ?? 0).toFixed(1)} ms; timer lag p50 ${(h.percentile(50) / 1e6).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms (idle loop p99 ${idleP99.toFixed(1)} ms, load ${load.toFixed(1)} on ${availableParallelism()} cores${oversubscribed ? ': oversubscribed, lag bound reported only' : ''})`,
  );
  assert.ok(elu < maxBusy, `event loop busy ${(elu * 100).toFixed(1)}% of the generation`);
  assert.ok(busyP99 < 50, `p99 busy stretch ${busyP99.toFixed(1)} ms`);
  if (!oversubscribed) assert.ok(p99 < 50 + idleP99, `p99 lag ${p99.toFixed(1)} ms (idle ${idleP99.toFixed(1)} ms)`);
  return r;
}

function descriptor(path: string, id = 'tiny'): ModelDescriptor {
  return { id, name: id, engine: 'llama-cpp', path };
}

describe('LlamaCppEngine (tiny GGUF)', () => {
  const engine = new LlamaCppEngine({ contextSize: 512, parallel: 2, threads: 1 });
  let model: LlamaCppModel;
  const progress: LoadProgress[] = [];

  before(async () => {
    model = await engine.load(descriptor(await ensureTinyGguf()), (p) => progress.push(p));
  });
  after(() => engine.close());

  test('load reports progress up to 1 and an honest memory figure', () => {
    assert.ok(progress.length >= 2, 'several progress events');
    for (let i = 1; i < progress.length; i++)
      assert.ok(progress[i]!.progress >= progress[i - 1]!.progress, 'monotonic');
    assert.deepEqual(progress.at(-1), { phase: 'ready', progress: 1 });
    assert.ok(progress.some((p) => p.phase === 'load' && p.progress > 0 && p.progress < 1));
    assert.ok(model.memoryBytes > 494_000, `memoryBytes ${model.memoryBytes} counts the file and the KV cache`);
    assert.equal(model.chatWrapperName, 'ChatML', 'the chat template from GGUF metadata is used');
  });

  test('streams tokens in order; the result is exactly what was streamed', async () => {
    const chunks: string[] = [];
    const r = await model.generate({ messages, maxTokens: 24, onToken: (t) => chunks.push(t) });
    assert.equal(r.finishReason, 'length');
    assert.equal(r.completionTokens, 24);
    assert.ok(chunks.length > 1, 'several chunks');
    assert.equal(chunks.join(''), r.text);
    assert.ok(r.promptTokens! > 10, `prompt tokens counted (${r.promptTokens})`);
    assert.ok(r.timeToFirstTokenMs! > 0 && r.timeToFirstTokenMs! <= r.totalMs);
  });

  test('same seed and params: same output (deterministic plumbing)', async () => {
    const a = await model.generate({ messages, maxTokens: 16, temperature: 0.8, seed: 42 });
    const b = await model.generate({ messages, maxTokens: 16, temperature: 0.8, seed: 42 });
    assert.equal(a.text, b.text);
  });

  test('repeatPenalty reaches the sampler: greedy output changes, and repeats fewer tokens', async () => {
    const plain = await model.generate({ messages, maxTokens: 48 });
    const again = await model.generate({ messages, maxTokens: 48 });
    assert.equal(plain.text, again.text, 'greedy decoding is deterministic without a penalty');
    const damped = await model.generate({ messages, maxTokens: 48, repeatPenalty: 3 });
    assert.notEqual(damped.text, plain.text, 'the penalty changed what was sampled');
    const distinct = (t: string) => new Set(t).size;
    assert.ok(distinct(damped.text) >= distinct(plain.text), 'no fewer distinct characters with the penalty');
  });

  test('abort mid-stream keeps the partial text', async () => {
    const ac = new AbortController();
    const chunks: string[] = [];
    const r = await model.generate({
      messages,
      maxTokens: 400,
      signal: ac.signal,
      onToken: (t) => {
        chunks.push(t);
        if (chunks.length === 5) ac.abort();
      },
    });
    assert.equal(r.finishReason, 'aborted');
    assert.ok(r.text.length > 0, 'partial text kept');
    assert.equal(r.text, chunks.join(''));
    assert.ok(r.completionTokens! < 400);
  });

  test('abort before start returns an empty aborted result, no throw', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await model.generate({ messages, maxTokens: 10, signal: ac.signal });
    assert.equal(r.finishReason, 'aborted');
    assert.equal(r.text, '');
  });

  test('a stop string ends the reply with finishReason stop', async () => {
    // Greedy output of the tiny model is fixed: take a piece of it as the stop string.
    const probe = await model.generate({ messages, maxTokens: 20 });
    const stop = probe.text.slice(8, 11);
    assert.ok(stop.trim().length > 0, `stop string from ${JSON.stringify(probe.text)}`);
    const r = await model.generate({ messages, maxTokens: 20, stop: [stop] });
    assert.equal(r.finishReason, 'stop');
    assert.ok(!r.text.includes(stop));
    assert.ok(probe.text.startsWith(r.text));
  });

  test('concurrent generations run side by side, more than the pool queue and all finish', async () => {
    const runs = [0, 1, 2, 3].map((i) => {
      const chunks: string[] = [];
      return model
        .generate({
          messages: [{ role: 'user', content: `question ${i}` }],
          maxTokens: 12,
          onToken: (t) => chunks.push(t),
        })
        .then((r) => ({ r, chunks }));
    });
    const results = await Promise.all(runs);
    for (const { r, chunks } of results) {
      assert.equal(r.finishReason, 'length');
      assert.equal(r.completionTokens, 12);
      assert.equal(chunks.join(''), r.text);
    }
    assert.equal(model.inFlight, 0);
  });

  test('the event loop stays responsive during a generation (p99 lag < 50 ms over idle)', async () => {
    const r = await assertLoopResponsive('tiny', () => model.generate({ messages, maxTokens: 200 }), { maxBusy: 1 });
    assert.equal(r.completionTokens, 200);
  });

  test('dispose waits for a generation in flight, then refuses new ones', async () => {
    const other = await engine.load(descriptor(await ensureTinyGguf(), 'tiny-2'));
    const chunks: string[] = [];
    const gen = other.generate({ messages, maxTokens: 60, onToken: (t) => chunks.push(t) });
    while (chunks.length < 2) await new Promise((r) => setTimeout(r, 5));
    await other.dispose();
    const r = await gen;
    assert.equal(r.finishReason, 'length', 'the generation in flight completed');
    assert.equal(r.completionTokens, 60);
    await assert.rejects(other.generate({ messages, maxTokens: 2 }), /disposed/);
  });

  test('a missing file fails the load clearly', async () => {
    await assert.rejects(engine.load(descriptor('/nonexistent/model.gguf')), /ENOENT|no such file/);
  });
});

/** Start `count` generations at once (same cap, distinct prompts); record when each got its first token. */
async function burst(
  model: LlamaCppModel,
  count: number,
  maxTokens: number,
  extra: (i: number) => object = () => ({}),
) {
  const firstAt: number[] = [];
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      model.generate({
        messages: [{ role: 'user', content: `question number ${i}: is it serious?` }],
        maxTokens,
        onToken: () => {
          firstAt[i] ??= performance.now() - t0;
        },
        ...extra(i),
      }),
    ),
  );
  return { results, firstAt };
}

describe('LlamaCppEngine sequence pool (tiny GGUF)', () => {
  const engine = new LlamaCppEngine({ contextSize: 256, parallel: 2, threads: 1 });
  const single = new LlamaCppEngine({ contextSize: 256, parallel: 1, threads: 1 });
  let model: LlamaCppModel;
  let one: LlamaCppModel;
  before(async () => {
    model = await engine.load(descriptor(await ensureTinyGguf(), 'pool'));
    one = await single.load(descriptor(await ensureTinyGguf(), 'pool-1'));
  });
  after(async () => {
    await engine.close();
    await single.close();
  });

  test('N+2 generations on N sequences: strictly FIFO, first tokens in submission order', async () => {
    for (let round = 0; round < 3; round++) {
      const { results, firstAt } = await burst(model, 4, 24);
      const order = firstAt.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
      assert.deepEqual(
        order.map(([, i]) => i),
        [0, 1, 2, 3],
        `first tokens at ${firstAt.map((t) => t.toFixed(0)).join(', ')} ms`,
      );
      for (const r of results) assert.equal(r.completionTokens, 24);
      assert.equal(results[0]!.queueMs! < 5 && results[1]!.queueMs! < 5, true, 'the first two start at once');
      assert.ok(results[2]!.queueMs! > 0 && results[2]!.queueMs! <= results[3]!.queueMs!, 'queued ones start in order');
      assert.equal(model.inFlight, 0);
      assert.equal(model.queued, 0);
    }
  });

  test('a reused sequence keeps no state: same output as on a fresh model', async () => {
    const fresh = new LlamaCppEngine({ contextSize: 256, parallel: 1, threads: 1 });
    try {
      const f = await fresh.load(descriptor(await ensureTinyGguf(), 'fresh'));
      const expected = await f.generate({ messages, maxTokens: 32 });
      await one.generate({
        messages: [{ role: 'user', content: 'something else entirely, and longer' }],
        maxTokens: 40,
      });
      const reused = await one.generate({ messages, maxTokens: 32 });
      assert.equal(reused.text, expected.text);
      assert.equal(reused.promptTokens, expected.promptTokens, 'the whole prompt was evaluated again');
    } finally {
      await fresh.close();
    }
  });

  test('onQueued: place in line, an estimate once a rate is measured, 0 when started', async () => {
    await one.generate({ messages, maxTokens: 40 }); // a measured rate for the estimate
    const reports: QueueInfo[][] = [[], [], []];
    const { results } = await burst(one, 3, 40, (i) => ({ onQueued: (q: QueueInfo) => reports[i]!.push(q) }));
    assert.deepEqual(reports[0], [], 'a generation that got a free slot is never told it waits');
    assert.deepEqual(
      reports[1]!.map((r) => [r.position, r.ahead]),
      [
        [1, 1],
        [0, 0],
      ],
    );
    assert.deepEqual(
      reports[2]!.map((r) => [r.position, r.ahead]),
      [
        [2, 2],
        [1, 1],
        [0, 0],
      ],
    );
    const eta1 = reports[1]![0]!.etaMs!;
    const eta2 = reports[2]![0]!.etaMs!;
    assert.ok(eta1 > 0 && eta2 > eta1, `estimates grow with the place in line (${eta1}, ${eta2} ms)`);
    // The estimate is in the right range of the real wait (loose: the machine is shared).
    const ratio = results[2]!.queueMs! / eta2;
    console.log(
      `# queue estimate: waited ${results[2]!.queueMs!.toFixed(0)} ms, estimated ${eta2} ms (${ratio.toFixed(2)}x)`,
    );
    assert.ok(ratio > 0.2 && ratio < 5, `waited ${results[2]!.queueMs!.toFixed(0)} ms vs estimate ${eta2} ms`);
    assert.equal(reports[2]!.at(-1)!.etaMs, 0);
  });

  test('aborting a queued generation frees its place; those behind move up', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const running = one.generate({ messages, maxTokens: 30 });
    const dropped = one.generate({ messages, maxTokens: 30, signal: ac.signal });
    const last = one.generate({ messages, maxTokens: 30, onQueued: (q) => seen.push(q.position) });
    ac.abort();
    const [a, b, c] = await Promise.all([running, dropped, last]);
    assert.equal(b.finishReason, 'aborted');
    assert.equal(b.text, '');
    assert.equal(a.completionTokens, 30);
    assert.equal(c.completionTokens, 30);
    assert.deepEqual(seen, [2, 1, 0]);
  });

  test('a listener that throws does not break the queue', async () => {
    const { results } = await burst(one, 2, 8, () => ({
      onQueued: () => {
        throw new Error('listener bug');
      },
    }));
    assert.deepEqual(
      results.map((r) => r.completionTokens),
      [8, 8],
    );
  });

  test('dispose rejects the queued generations, finishes the running one', async () => {
    const other = await single.load(descriptor(await ensureTinyGguf(), 'pool-dispose'));
    const running = other.generate({ messages, maxTokens: 20 });
    const queued = other.generate({ messages, maxTokens: 20 });
    await other.dispose();
    assert.equal((await running).completionTokens, 20);
    await assert.rejects(queued, /disposed/);
  });
});

// The real default model, when a previous run (bench, pull test, `medichat models pull`) left it in
// the cache: same lag check on a model whose per-token work is real.
const smol = cacheDir('models', 'smollm2-135m-instruct-q4_1', 'SmolLM2-135M-Instruct.Q4_1.gguf');
describe(
  'LlamaCppEngine (SmolLM2-135M, when cached)',
  { skip: !existsSync(smol) && 'SmolLM2 not in the cache' },
  () => {
    test('event-loop lag during a real generation', async () => {
      const engine = new LlamaCppEngine({ contextSize: 1024, parallel: 1, threads: 1 });
      try {
        const m = await engine.load(descriptor(smol, 'smol'));
        const r = await assertLoopResponsive('SmolLM2', () => m.generate({ messages, maxTokens: 48 }));
        assert.ok(r.text.length > 0);
      } finally {
        await engine.close();
      }
    });
  },
);
