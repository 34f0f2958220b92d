/**
 * Concurrent generations: aggregate streamed tok/s of 1, 4 and 8 generations sent at once
 *   (a) node-llama-cpp's own batched throughput: one context with N sequences, N LlamaChats
 *       driven directly (the runtime's best at that parallelism),
 *   (b) our LlamaCppEngine with `parallel: N`,
 *   (c) the same through ModelManager (lease per generation, as the chat does),
 * same GGUF (SmolLM2-135M, pulled like bench/inference.bench.ts), threads, context and batch size,
 * greedy, interleaved round by round. Plus (d) the engine over-subscribed — 2N requests on N
 * sequences — to check the queue: TTFT order must be submission order.
 * Goals (issue 7): 1 stream ≥ 0.95× direct; aggregate for 4 and 8 ≥ 0.9× direct.
 *   npm run bench -- concurrency   (env: MEDICHAT_BENCH_ROUNDS=2, MEDICHAT_BENCH_TOKENS=64,
 *                                   MEDICHAT_BENCH_THREADS=engine default, MEDICHAT_BENCH_N="1,4,8")
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { getLlama, LlamaChat, resolveChatWrapper, type ChatHistoryItem } from 'node-llama-cpp';
import { defaultLlamaThreads, LlamaCppEngine } from '../apps/api/src/engines/inference/llama-cpp.engine.js';
import { ModelManager } from '../apps/api/src/engines/inference/model-manager.js';
import type { ChatTurn, GenerateResult, ModelDescriptor } from '../apps/api/src/engines/inference/port.js';
import { cacheDir } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import { pullModel } from '../apps/api/src/engines/model-store/index.js';
import { DEFAULT_MODEL_SOURCE } from '../apps/api/src/modules/models/model.service.js';

const CONTEXT = 2048;

/** Distinct questions, so no two streams are the same computation. */
const question = (i: number): ChatTurn[] => [
  {
    role: 'system',
    content: 'You are a careful health assistant. Answer briefly and suggest seeing a doctor when needed.',
  },
  { role: 'user', content: `Question ${i + 1}: I have had a mild headache since this morning. What can I do at home?` },
];

type Gen = (messages: ChatTurn[], maxTokens: number, onToken: () => void) => Promise<number>;

interface Burst {
  aggregateTps: number;
  ttft: number[];
}

/** `count` generations at once; aggregate = all tokens / wall time from the send to the last token. */
async function burst(gen: Gen, count: number, maxTokens: number): Promise<Burst> {
  const t0 = performance.now();
  const ttft: number[] = [];
  let last = 0;
  const tokens = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      gen(question(i), maxTokens, () => {
        const now = performance.now();
        ttft[i] ??= now - t0;
        last = Math.max(last, now);
      }),
    ),
  );
  const total = tokens.reduce((a, b) => a + b, 0);
  return { aggregateTps: total / ((last - t0) / 1000), ttft };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Whether first tokens arrived in submission order (ties within 1 ms count as in order). */
const inOrder = (ttft: number[]) => ttft.every((t, i) => i === 0 || t >= ttft[i - 1]! - 1);

export async function runConcurrencyBench(): Promise<void> {
  const rounds = Number(process.env.MEDICHAT_BENCH_ROUNDS ?? 2);
  const maxTokens = Number(process.env.MEDICHAT_BENCH_TOKENS ?? 64);
  const threads = Number(process.env.MEDICHAT_BENCH_THREADS || defaultLlamaThreads());
  const ns = (process.env.MEDICHAT_BENCH_N ?? '1,4,8').split(',').map(Number);
  const pulled = await pullModel(DEFAULT_MODEL_SOURCE, { modelsDir: cacheDir('models'), env: process.env });
  const load0 = loadavg();
  console.log(
    `\n## concurrency — ${pulled.name}, ${threads} threads, ctx ${CONTEXT}/sequence, ${maxTokens} tokens greedy, ${rounds} rounds`,
  );

  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads });
  const model = await llama.loadModel({ modelPath: pulled.path });
  const wrapper = resolveChatWrapper(model);
  const descriptor: ModelDescriptor = { id: pulled.name, name: pulled.name, engine: 'llama-cpp', path: pulled.path };
  const viaResult = (r: GenerateResult) => r.completionTokens ?? 0;

  interface Setup {
    n: number;
    variants: Array<[string, Gen, number]>; // label, generate, requests per burst
    close: () => Promise<void>;
  }
  const setups: Setup[] = [];
  for (const n of ns) {
    const context = await model.createContext({ contextSize: CONTEXT, sequences: n, threads });
    const direct: Gen = async (messages, max, onToken) => {
      const sequence = context.getSequence();
      const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
      let count = 0;
      try {
        const history: ChatHistoryItem[] = messages.map((m) =>
          m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
        );
        history.push({ type: 'model', response: [] });
        await chat.generateResponse(history, {
          maxTokens: max,
          onToken: (t) => {
            count += t.length;
            onToken();
          },
        });
        return count;
      } finally {
        chat.dispose({ disposeSequence: false });
        await sequence.dispose(); // awaited: the slot is free again before the next burst
      }
    };
    const engine = new LlamaCppEngine({ threads, contextSize: CONTEXT, parallel: n });
    const loaded = await engine.load(descriptor);
    const viaEngine: Gen = async (messages, max, onToken) =>
      viaResult(await loaded.generate({ messages, maxTokens: max, onToken }));
    const managed = new LlamaCppEngine({ threads, contextSize: CONTEXT, parallel: n });
    const manager = new ModelManager({ engines: { 'llama-cpp': managed } });
    (await manager.acquire(descriptor)).release();
    const viaManager: Gen = async (messages, max, onToken) =>
      viaResult(await manager.generate(descriptor, { messages, maxTokens: max, onToken }));
    setups.push({
      n,
      variants: [
        [`node-llama-cpp direct, ${n} seq`, direct, n],
        [`LlamaCppEngine parallel=${n}`, viaEngine, n],
        [`LlamaCppEngine parallel=${n} via ModelManager`, viaManager, n],
        ...(n > 1
          ? [[`LlamaCppEngine parallel=${n}, ${2 * n} requests (queue)`, viaEngine, 2 * n] as [string, Gen, number]]
          : []),
      ],
      close: async () => {
        await manager.close();
        await managed.close();
        await engine.close();
        await context.dispose();
      },
    });
  }

  const results = new Map<string, Burst[]>();
  for (let r = -1; r < rounds; r++) {
    for (const s of setups) {
      const order = s.variants.map((_, i) => i);
      if (r % 2) order.reverse();
      for (const i of order) {
        const [label, gen, count] = s.variants[i]!;
        const b = await burst(gen, count, maxTokens);
        if (r < 0) continue; // warm-up
        const list = results.get(label) ?? [];
        list.push(b);
        results.set(label, list);
      }
    }
  }

  console.log(
    '| variant | requests | aggregate tok/s (median) | ratio vs direct | TTFT first / last ms | TTFT in submission order | goal |',
  );
  console.log('|---|---:|---:|---:|---:|---|---|');
  for (const s of setups) {
    const base = median(results.get(s.variants[0]![0])!.map((b) => b.aggregateTps));
    for (const [i, [label, , count]] of s.variants.entries()) {
      const bs = results.get(label)!;
      const tps = median(bs.map((b) => b.aggregateTps));
      const ratio = tps / base;
      const goalRatio = s.n === 1 ? 0.95 : 0.9;
      const ttftFirst = median(bs.map((b) => Math.min(...b.ttft)));
      const ttftLast = median(bs.map((b) => Math.max(...b.ttft)));
      const ordered = bs.filter((b) => inOrder(b.ttft)).length;
      const goal =
        i === 0
          ? '—'
          : i === 3
            ? ordered === bs.length
              ? '✓ FIFO'
              : '✗ FIFO'
            : `${ratio >= goalRatio ? '✓' : '✗'} ≥${goalRatio}×`;
      console.log(
        `| ${label} | ${count} | ${tps.toFixed(1)} | ${ratio.toFixed(3)}× | ${ttftFirst.toFixed(0)} / ${ttftLast.toFixed(0)} | ${ordered}/${bs.length} rounds | ${goal} |`,
      );
    }
  }
  const one = setups.find((s) => s.n === 1);
  if (one) {
    const solo = median(results.get(one.variants[1]![0])!.map((b) => b.aggregateTps));
    for (const s of setups.filter((x) => x.n > 1)) {
      const agg = median(results.get(s.variants[1]![0])!.map((b) => b.aggregateTps));
      console.log(`engine aggregate with ${s.n} concurrent: ${(agg / solo).toFixed(2)}× one generation alone`);
    }
  }
  console.log(
    `load average: ${load0.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at end (2 shared cores: ratios side by side hold, absolute figures do not)`,
  );
  for (const s of setups) await s.close();
  await model.dispose();
  await llama.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runConcurrencyBench();
}
