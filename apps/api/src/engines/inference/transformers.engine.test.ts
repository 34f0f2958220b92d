/**
 * TransformersEngine against a tiny ONNX llama the project generates (`scripts/make-tiny-onnx.py`):
 * real transformers.js + onnxruntime-node in a worker thread. Outputs are meaningless, so these
 * tests assert plumbing: streaming order, stop strings, abort, queueing, progress, memory size,
 * dtype variants, crash recovery, the compiled-JS worker path, and that the event loop stays free.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import ts from 'typescript';
import { ensureTinyOnnx, repoRoot } from './onnx-model.test-helper.js';
import type { GenerateResult, LoadedModel, LoadProgress, ModelDescriptor } from './port.js';
import { ModelDisposedError, TransformersEngine, TransformersWorkerError } from './transformers.engine.js';

const run = promisify(execFile);
const user = (content: string) => [{ role: 'user' as const, content }];

let dir: string;
const engine = new TransformersEngine({ threads: 1 });
let model: LoadedModel;
const progress: LoadProgress[] = [];

function descriptor(path: string, id = 'tiny'): ModelDescriptor {
  return { id, name: id, engine: 'transformers', path };
}

async function collect(m: LoadedModel, params: Parameters<LoadedModel['generate']>[0]) {
  const tokens: string[] = [];
  const result = await m.generate({ ...params, onToken: (t) => tokens.push(t) });
  return { tokens, result };
}

before(async () => {
  dir = await ensureTinyOnnx();
  model = await engine.load(descriptor(dir), (p) => progress.push(p));
});

after(async () => {
  await engine.close();
});

describe('TransformersEngine: load', () => {
  it('reports monotonic progress that ends at 1 with phase ready', () => {
    assert.ok(progress.length >= 2, `progress events: ${JSON.stringify(progress)}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.progress >= progress[i - 1]!.progress);
    assert.deepEqual(progress.at(-1), { progress: 1, phase: 'ready' });
    assert.ok(
      progress.every((p) => p.phase !== 'download'),
      'a local model is never downloaded',
    );
  });

  it('sizes the model as its ONNX file, before and after loading', async () => {
    const size = (await stat(join(dir, 'onnx', 'model.onnx'))).size;
    assert.equal(model.memoryBytes, size);
    assert.equal(await engine.estimateMemoryBytes(descriptor(dir)), size);
  });

  it('refuses a model it does not have when remote models are off', async () => {
    await assert.rejects(engine.load(descriptor('no-such-org/no-such-model')), TransformersWorkerError);
    await assert.rejects(engine.load(descriptor(join(dir, 'missing-subdir'))), TransformersWorkerError);
  });

  it('resolves a model id under localModelPath', async () => {
    const e = new TransformersEngine({ localModelPath: join(dir, '..') });
    const r = e.resolve(descriptor(dir.split('/').at(-1)!));
    assert.equal(r.dir, dir);
    assert.equal(r.dtype, 'fp32');
  });
});

describe('TransformersEngine: generate', () => {
  it('streams tokens in order that concatenate to the text, and stops at maxTokens', async () => {
    const { tokens, result } = await collect(model, { messages: user('hello'), maxTokens: 12, temperature: 0 });
    assert.ok(tokens.length > 0);
    assert.equal(tokens.join(''), result.text);
    assert.equal(result.finishReason, 'length');
    assert.equal(result.completionTokens, 12);
    assert.ok((result.promptTokens ?? 0) > 3, 'the chat template wraps the prompt');
    assert.ok(result.timeToFirstTokenMs! >= 0 && result.timeToFirstTokenMs! <= result.totalMs);
  });

  it('is deterministic when greedy, and when sampling with a seed', async () => {
    const a = await model.generate({ messages: user('same'), maxTokens: 16, temperature: 0 });
    const b = await model.generate({ messages: user('same'), maxTokens: 16, temperature: 0 });
    assert.equal(a.text, b.text);
    const s1 = await model.generate({ messages: user('same'), maxTokens: 16, temperature: 1.5, seed: 7 });
    const s2 = await model.generate({ messages: user('same'), maxTokens: 16, temperature: 1.5, seed: 7 });
    assert.equal(s1.text, s2.text);
  });

  it('ends the reply before a stop string', async () => {
    const full = await model.generate({ messages: user('stop test'), maxTokens: 30, temperature: 0 });
    assert.ok(full.text.length >= 12, `reply long enough to cut: ${JSON.stringify(full.text)}`);
    const stop = full.text.slice(8, 11);
    const { tokens, result } = await collect(model, {
      messages: user('stop test'),
      maxTokens: 30,
      temperature: 0,
      stop: [stop],
    });
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.text, full.text.slice(0, full.text.indexOf(stop)));
    assert.equal(tokens.join(''), result.text);
  });

  it('abort stops the generation and keeps the partial text', async () => {
    const ac = new AbortController();
    const tokens: string[] = [];
    const result = await model.generate({
      messages: user('long'),
      maxTokens: 400,
      temperature: 0,
      signal: ac.signal,
      onToken: (t) => {
        tokens.push(t);
        if (tokens.length === 3) ac.abort();
      },
    });
    assert.equal(result.finishReason, 'aborted');
    assert.ok(result.text.length > 0);
    assert.equal(result.text, tokens.join(''));
    assert.ok(result.completionTokens! < 400, `stopped early: ${result.completionTokens}`);
    // The model is still usable afterwards.
    const next = await model.generate({ messages: user('after abort'), maxTokens: 4 });
    assert.equal(next.finishReason, 'length');
  });

  it('an already-aborted signal returns at once with no text', async () => {
    const result = await model.generate({ messages: user('x'), signal: AbortSignal.abort() });
    assert.deepEqual([result.text, result.finishReason], ['', 'aborted']);
  });

  it('queues concurrent generations in order, one at a time', async () => {
    const events: string[] = [];
    const queuedAbort = new AbortController();
    const calls = [0, 1, 2].map((i) =>
      model.generate({
        messages: user(`concurrent ${i}`),
        maxTokens: 6,
        temperature: 0,
        signal: i === 1 ? queuedAbort.signal : undefined,
        onToken: () => events.push(`t${i}`),
      }),
    );
    queuedAbort.abort(); // #1 is still queued behind #0: it resolves at once, untouched
    const results = await Promise.all(calls);
    assert.deepEqual(
      results.map((r) => r.finishReason),
      ['length', 'aborted', 'length'],
    );
    assert.equal(results[1]!.text, '');
    const first2 = events.indexOf('t2');
    assert.ok(first2 > events.lastIndexOf('t0'), `no interleaving: ${events.join(' ')}`);
    assert.ok(!events.includes('t1'));
  });

  it('does not block the event loop while generating (p99 lag < 50 ms)', async () => {
    // The machine may be shared with other busy processes: scheduler noise can spoil one
    // measurement, so up to 3 are taken. Inference on this thread would spoil all of them.
    const figures: string[] = [];
    let best = Infinity;
    for (let attempt = 0; attempt < 3 && best >= 50; attempt++) {
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const t0 = performance.now();
      const r = await model.generate({ messages: user('event loop'), maxTokens: 300, temperature: 0 });
      const ms = performance.now() - t0;
      h.disable();
      assert.equal(r.completionTokens, 300);
      assert.ok(ms > 100, 'the generation is long enough to measure');
      const p99 = h.percentile(99) / 1e6;
      best = Math.min(best, p99);
      figures.push(
        `${r.completionTokens} tokens in ${ms.toFixed(0)} ms: p50 ${(h.percentile(50) / 1e6).toFixed(1)} ms, ` +
          `p99 ${p99.toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`,
      );
    }
    console.log(`  event-loop delay during generation: ${figures.join('; ')}`);
    assert.ok(best < 50, `p99 event-loop delay: ${figures.join('; ')}`);
  });
});

describe('TransformersEngine: variants, lifecycle', () => {
  for (const [dtype, file] of [
    ['q8', 'model_quantized.onnx'],
    ['q4', 'model_q4.onnx'],
  ] as const) {
    it(`loads the ${dtype} variant (${file})`, async () => {
      const e = new TransformersEngine({ dtype, threads: 1 });
      try {
        const m = await e.load(descriptor(dir, `tiny-${dtype}`));
        assert.equal(m.memoryBytes, (await stat(join(dir, 'onnx', file))).size);
        const { tokens, result } = await collect(m, { messages: user('quantized'), maxTokens: 5 });
        assert.equal(result.completionTokens, 5);
        assert.equal(tokens.join(''), result.text);
      } finally {
        await e.close();
      }
    });
  }

  it("'auto' dtype falls back to the variant a directory has", async () => {
    const only = join(dir, '..', `tiny-q4-only-${process.pid}`);
    await rm(only, { recursive: true, force: true });
    await mkdir(join(only, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
      await writeFile(join(only, f), await readFile(join(dir, f)));
    await writeFile(join(only, 'onnx', 'model_q4.onnx'), await readFile(join(dir, 'onnx', 'model_q4.onnx')));
    try {
      assert.equal(engine.resolve(descriptor(only)).dtype, 'q4');
    } finally {
      await rm(only, { recursive: true, force: true });
    }
  });

  it('starts a new worker when the old one is gone: the next generation works', async () => {
    // (A worker is only ever ended while idle: terminating one inside an onnxruntime run aborts
    // the whole process, which is why dispose() waits for the generations in flight.)
    const e = new TransformersEngine({ threads: 1 });
    try {
      const m = await e.load(descriptor(dir, 'tiny-crash'));
      await m.generate({ messages: user('before'), maxTokens: 2 });
      await (m as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const again = await m.generate({ messages: user('retry'), maxTokens: 3 });
      assert.equal(again.completionTokens, 3);
    } finally {
      await e.close();
    }
  });

  it('dispose waits for the generation in flight, then refuses new ones', async () => {
    const e = new TransformersEngine({ threads: 1 });
    const m = await e.load(descriptor(dir, 'tiny-dispose'));
    const inFlight = m.generate({ messages: user('dispose'), maxTokens: 20 });
    const disposed = m.dispose();
    const r: GenerateResult = await inFlight;
    assert.equal(r.completionTokens, 20);
    await disposed;
    await assert.rejects(m.generate({ messages: user('late') }), ModelDisposedError);
    await e.close();
  });

  it('runs from compiled JavaScript too (the dist worker path, without tsx)', async () => {
    // Transpile the engine and its worker like `tsc -b` does, into a folder whose parent chain
    // reaches node_modules, then run them with plain node.
    const out = join(repoRoot, 'node_modules', '.cache', `medichat-transformers-dist-${process.pid}`);
    await mkdir(out, { recursive: true });
    try {
      for (const name of ['transformers.engine', 'transformers.worker', 'port', 'errors']) {
        const src = await readFile(new URL(`./${name}.ts`, import.meta.url), 'utf8');
        const js = ts.transpileModule(src, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
          fileName: `${name}.ts`,
        }).outputText;
        await writeFile(join(out, `${name}.js`), js);
      }
      await writeFile(join(out, 'package.json'), '{"type":"module"}');
      const script = `
        import { TransformersEngine } from './transformers.engine.js';
        const e = new TransformersEngine({ threads: 1 });
        const m = await e.load({ id: 't', name: 't', engine: 'transformers', path: ${JSON.stringify(dir)} });
        const pieces = [];
        const r = await m.generate({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 4, onToken: (t) => pieces.push(t) });
        await e.close();
        console.log(JSON.stringify({ ok: pieces.join('') === r.text, n: r.completionTokens }));`;
      await writeFile(join(out, 'run.mjs'), script);
      const { stdout } = await run(process.execPath, [join(out, 'run.mjs')], { cwd: out, timeout: 60_000 });
      assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1)!), { ok: true, n: 4 });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
