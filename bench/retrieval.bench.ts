/**
 * Retrieval: what grounding adds to a reply's time to first token, on the REAL MiniLM model and the
 * real knowledge base, measured side by side in one run:
 *   1. one query embedded: raw onnxruntime-node (tokenizer + session.run + mean pooling, main
 *      thread) as the baseline, vs transformers.js's pipeline on the main thread, vs our engine
 *      (worker thread, 1 and 2 onnxruntime threads);
 *   2. retrieve() = embed + sqlite-vec search + lookup, vs embedding alone;
 *   3. the search alone: sqlite-vec vs an exact scan in JS, on the 114 entries and on 5,000 vectors.
 * Budget (issue 7): medication checker + retrieval ≤ 20 ms p99 added to TTFT.
 *   npm run bench -- retrieval
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env, pipeline } from '@huggingface/transformers';
import { testEmbeddingModel } from '../apps/api/src/engines/embedding/embedding.test-helper.js';
import { TransformersEmbeddingEngine } from '../apps/api/src/engines/embedding/transformers-embedding.engine.js';
import { exactScan, type VectorRecord } from '../apps/api/src/engines/vector/port.js';
import { SqliteVectorIndex } from '../apps/api/src/engines/vector/sqlite.js';
import { loadKnowledgeBase } from '../apps/api/src/modules/knowledge/knowledge.loader.js';
import { ON_TOPIC } from '../apps/api/src/modules/knowledge/knowledge.retrieval-cases.test-helper.js';
import { KnowledgeService } from '../apps/api/src/modules/knowledge/knowledge.service.js';
import { compare } from './lib.js';

const model = await testEmbeddingModel();
const questions = ON_TOPIC.map(([q]) => q);
let qi = 0;
const nextQ = () => questions[qi++ % questions.length]!;
console.log(
  `\n# retrieval — ${model.spec.name}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

// Raw onnxruntime: the floor for what any embedding path can cost.
env.allowRemoteModels = false;
env.localModelPath = `${join(model.dir, '..')}/`;
const tokenizer = await AutoTokenizer.from_pretrained(model.spec.name);
const session = await ort.InferenceSession.create(join(model.dir, 'onnx/model_quantized.onnx'), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
async function rawEmbed(text: string): Promise<Float32Array> {
  const t = tokenizer(text, { truncation: true, max_length: 256 }) as unknown as Record<
    string,
    { data: BigInt64Array; dims: number[] }
  >;
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) feeds[name] = new ort.Tensor('int64', t[name]!.data, t[name]!.dims);
  const out = (await session.run(feeds)).last_hidden_state!;
  const [, n, d] = out.dims as [number, number, number];
  const h = out.data as Float32Array;
  const v = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[j]! += h[i * d + j]!;
  let norm = 0;
  for (let j = 0; j < d; j++) norm += (v[j]! /= n) ** 2;
  norm = Math.sqrt(norm);
  for (let j = 0; j < d; j++) v[j]! /= norm;
  return v;
}
const mainThread = await pipeline('feature-extraction', model.spec.name, {
  dtype: 'q8',
  session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 },
});
const engine1 = await TransformersEmbeddingEngine.open({ dir: model.dir, modelId: model.spec.name, threads: 1 });
const engine2 = await TransformersEmbeddingEngine.open({ dir: model.dir, modelId: model.spec.name, threads: 2 });

const opts = { batch: 10, rounds: 12, warmupRounds: 2 };
await compare(
  'embed one query (MiniLM int8)',
  ['onnxruntime-node direct, main thread, 1 thread', () => rawEmbed(nextQ())],
  [
    [
      'transformers.js pipeline, main thread, 1 thread',
      () => mainThread(nextQ(), { pooling: 'mean', normalize: true }),
    ],
    ['our engine (worker), 1 thread', () => engine1.embed([nextQ()])],
    ['our engine (worker), 2 threads', () => engine2.embed([nextQ()])],
  ],
  opts,
);

const dir = await mkdtemp(join(tmpdir(), 'medichat-bench-retrieval-'));
try {
  const kb = await loadKnowledgeBase();
  const index = new SqliteVectorIndex({ name: 'knowledge', dimensions: 384, file: join(dir, 'v.sqlite') });
  const t0 = performance.now();
  const service = await KnowledgeService.create({ kb, embedder: engine2, index });
  console.log(
    `\nindexing ${kb.entries.length} entries (2 threads): ${(performance.now() - t0).toFixed(0)} ms (only when the content changes)`,
  );
  await compare(
    'retrieve(): embed + search + lookup, vs embedding alone',
    ['embed only (engine, 2 threads)', () => engine2.embed([nextQ()])],
    [['retrieve k=3 (engine, 2 threads, sqlite-vec)', () => service.retrieve(nextQ(), { k: 3, language: 'en' })]],
    opts,
  );

  const [qv] = await engine2.embed(['my child has a fever and a rash']);
  const records: VectorRecord[] = [];
  // The index's own vectors for the exact scan: re-embed once (the bench measures the search only).
  const vecs = await engine2.embed(kb.entries.map((e) => `${e.title}. ${e.tags.join(', ')}. ${e.body}`));
  kb.entries.forEach((e, i) => records.push({ id: e.id, language: e.language, vector: vecs[i]! }));
  await compare(
    `search only, ${records.length} vectors`,
    ['exact scan in JS', () => exactScan(records, qv!, { k: 3, language: 'en' })],
    [['sqlite-vec vec0', () => index.search(qv!, { k: 3, language: 'en' })]],
    { batch: 200, rounds: 10 },
  );
  const big: VectorRecord[] = Array.from({ length: 5000 }, (_, i) => {
    const base = records[i % records.length]!.vector;
    const v = new Float32Array(384);
    let n = 0;
    for (let j = 0; j < 384; j++) n += (v[j] = base[j]! + Math.sin(i * 7.1 + j) * 0.05) ** 2;
    n = Math.sqrt(n);
    for (let j = 0; j < 384; j++) v[j]! /= n;
    return { id: `v${i}`, language: i % 4 ? 'en' : 'de', vector: v };
  });
  const bigIndex = new SqliteVectorIndex({ name: 'big', dimensions: 384, file: join(dir, 'v.sqlite') });
  await bigIndex.open();
  await bigIndex.replaceAll(big, 'bench');
  await compare(
    'search only, 5,000 vectors',
    ['exact scan in JS', () => exactScan(big, qv!, { k: 3, language: 'en' })],
    [['sqlite-vec vec0', () => bigIndex.search(qv!, { k: 3, language: 'en' })]],
    { batch: 50, rounds: 10 },
  );
  await bigIndex.close();
  await index.close();
} finally {
  await engine1.close();
  await engine2.close();
  await mainThread.dispose();
  await rm(dir, { recursive: true, force: true });
}
