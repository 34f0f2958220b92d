/**
 * Inference: streamed tokens/s and time to first token on the REAL default model (SmolLM2-135M
 * Instruct Q4_1 GGUF, pulled into the cache with our own `pullModel` when absent), same threads,
 * context size, prompt and sampling (greedy) for every variant:
 *   (a) baseline   node-llama-cpp called directly: one context, a fresh sequence and LlamaChat per
 *                  generation, chat wrapper resolved once (the best a direct caller can do)
 *   (b) engine     our LlamaCppEngine, leased through ModelManager
 *   (c…) hooks     any other `generate` callable: `runInferenceBench({ extra: [['ws', fn]] })` — the
 *                  WebSocket leg plugs in here (a function that sends the messages over
 *                  /ws/chats/:id and resolves when the reply is complete, calling onToken per chunk).
 * Goals (issue 4): tokens/s ≥ 0.95× baseline; TTFT ≤ 1.1× baseline + 20 ms.
 * Variants run interleaved, round by round, alternating order, so drift and noise hit all alike.
 *   npm run bench -- inference     (env: MEDICHAT_BENCH_ROUNDS=8, MEDICHAT_BENCH_TOKENS=64, MEDICHAT_BENCH_THREADS=cores)
 */
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { getLlama, LlamaChat, resolveChatWrapper, type ChatHistoryItem } from 'node-llama-cpp';
import { LlamaCppEngine } from '../apps/api/src/engines/inference/llama-cpp.engine.js';
import { ModelManager } from '../apps/api/src/engines/inference/model-manager.js';
import type { ChatTurn, ModelDescriptor } from '../apps/api/src/engines/inference/port.js';
import { cacheDir } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import { pullModel } from '../apps/api/src/engines/model-store/index.js';
import { DEFAULT_MODEL_SOURCE } from '../apps/api/src/modules/models/model.service.js';

/** One generation: stream `onToken` per text chunk, resolve when done. */
export type GenerateFn = (
  messages: ChatTurn[],
  options: { maxTokens: number; onToken: (text: string) => void },
) => Promise<{ completionTokens?: number }>;

export interface InferenceBenchOptions {
  /** More variants to compare with the baseline (e.g. the WebSocket leg). */
  extra?: Array<[label: string, generate: GenerateFn]>;
  rounds?: number;
  maxTokens?: number;
  threads?: number;
  contextSize?: number;
}

interface Sample {
  ttftMs: number;
  tokens: number;
  /** Tokens after the first, per second of streaming after the first token. */
  streamTps: number;
  totalMs: number;
}

const messages: ChatTurn[] = [
  {
    role: 'system',
    content: 'You are a careful health assistant. Answer briefly and suggest seeing a doctor when needed.',
  },
  { role: 'user', content: 'I have had a mild headache since this morning. What can I do at home?' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function measure(generate: GenerateFn, maxTokens: number): Promise<Sample> {
  let first = 0;
  let last = 0;
  let chunks = 0;
  const t0 = performance.now();
  const r = await generate(messages, {
    maxTokens,
    onToken: (t) => {
      if (!t) return;
      const now = performance.now();
      if (!first) first = now;
      last = now;
      chunks++;
    },
  });
  const end = performance.now();
  const tokens = r.completionTokens ?? chunks;
  return {
    ttftMs: first - t0,
    tokens,
    streamTps: last > first ? (tokens - 1) / ((last - first) / 1000) : NaN,
    totalMs: end - t0,
  };
}

export async function runInferenceBench(options: InferenceBenchOptions = {}): Promise<void> {
  const rounds = options.rounds ?? Number(process.env.MEDICHAT_BENCH_ROUNDS ?? 8);
  const maxTokens = options.maxTokens ?? Number(process.env.MEDICHAT_BENCH_TOKENS ?? 64);
  const threads = options.threads ?? Number(process.env.MEDICHAT_BENCH_THREADS || availableParallelism());
  const contextSize = options.contextSize ?? 2048;

  const pulled = await pullModel(DEFAULT_MODEL_SOURCE, {
    modelsDir: cacheDir('models'),
    env: process.env,
    onProgress: (p) => {
      if (p.phase === 'done' && p.message) return;
      if (p.totalBytes && p.bytes === p.totalBytes) console.error(`  ${p.phase} ${(p.bytes / 1e6).toFixed(1)} MB`);
    },
  });
  console.log(
    `\n## inference — ${pulled.name} (${(pulled.sizeBytes / 1e6).toFixed(1)} MB), ${threads} threads, ctx ${contextSize}, ${maxTokens} tokens greedy, ${rounds} rounds`,
  );

  // (a) Baseline: node-llama-cpp directly.
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads });
  const model = await llama.loadModel({ modelPath: pulled.path });
  const context = await model.createContext({ contextSize, sequences: 1, threads });
  const wrapper = resolveChatWrapper(model);
  const baseline: GenerateFn = async (msgs, o) => {
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
    try {
      const history: ChatHistoryItem[] = msgs.map((m) =>
        m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
      );
      history.push({ type: 'model', response: [] });
      let n = 0;
      await chat.generateResponse(history, {
        maxTokens: o.maxTokens,
        onTextChunk: o.onToken,
        onToken: (t) => (n += t.length),
      });
      return { completionTokens: n };
    } finally {
      chat.dispose();
      await sequence.dispose(); // awaited: node-llama-cpp frees the slot asynchronously
    }
  };

  // (b) Our engine through the manager, as shipped (default LLAMA_PARALLEL sequences), and (b') with
  // one sequence: a 2-sequence context costs a little prompt time, bought for concurrent users.
  const engine = new LlamaCppEngine({ threads, contextSize });
  const engine1 = new LlamaCppEngine({ threads, contextSize, parallel: 1 });
  const manager = new ModelManager({ engines: { 'llama-cpp': engine } });
  const manager1 = new ModelManager({ engines: { 'llama-cpp': engine1 } });
  const descriptor: ModelDescriptor = { id: pulled.name, name: pulled.name, engine: 'llama-cpp', path: pulled.path };
  const viaManager =
    (m: ModelManager): GenerateFn =>
    async (msgs, o) => {
      const lease = await m.acquire(descriptor);
      try {
        return await lease.model.generate({ messages: msgs, maxTokens: o.maxTokens, onToken: o.onToken });
      } finally {
        lease.release();
      }
    };
  (await manager.acquire(descriptor)).release();
  (await manager1.acquire(descriptor)).release();

  const variants: Array<[string, GenerateFn]> = [
    ['node-llama-cpp direct (baseline)', baseline],
    ['LlamaCppEngine via ModelManager', viaManager(manager)],
    ['  same, parallel=1', viaManager(manager1)],
    ...(options.extra ?? []),
  ];
  const samples = variants.map(() => [] as Sample[]);
  // Event-loop lag during our engine's generations. One monitor per generation: a monitor that is
  // disabled and enabled again counts the pause as lag.
  const lagP99: number[] = [];
  let lagMax = 0;
  for (let r = -1; r < rounds; r++) {
    const order = variants.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      const lag = monitorEventLoopDelay({ resolution: 5 });
      if (i === 1) lag.enable();
      const s = await measure(variants[i]![1], maxTokens);
      lag.disable();
      if (r < 0) continue; // round -1 warms up
      samples[i]!.push(s);
      if (i === 1) {
        lagP99.push(lag.percentile(99) / 1e6);
        lagMax = Math.max(lagMax, lag.max / 1e6);
      }
    }
  }

  const base = samples[0]!;
  const baseTps = median(base.map((s) => s.streamTps));
  const baseTtft = median(base.map((s) => s.ttftMs));
  console.log(
    '| variant | tokens | stream tok/s (median) | TTFT p50 ms | TTFT p90 ms | tok/s ratio | TTFT ratio | goals |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  variants.forEach(([label], i) => {
    const s = samples[i]!;
    const tps = median(s.map((x) => x.streamTps));
    const ttft = median(s.map((x) => x.ttftMs));
    const tpsRatio = tps / baseTps;
    const ttftRatio = ttft / baseTtft;
    const goals =
      i === 0 ? '—' : `${tpsRatio >= 0.95 ? '✓' : '✗'} ≥0.95×, ${ttft <= 1.1 * baseTtft + 20 ? '✓' : '✗'} ≤1.1×+20ms`;
    console.log(
      `| ${label} | ${median(s.map((x) => x.tokens)).toFixed(0)} | ${tps.toFixed(1)} | ${ttft.toFixed(1)} | ${pct(
        s.map((x) => x.ttftMs),
        90,
      ).toFixed(1)} | ${tpsRatio.toFixed(3)}× | ${ttftRatio.toFixed(3)}× | ${goals} |`,
    );
  });
  console.log(
    `event-loop lag during engine generations (5 ms resolution): p99 median ${median(lagP99).toFixed(1)} ms, worst p99 ${Math.max(...lagP99).toFixed(1)} ms, max ${lagMax.toFixed(1)} ms`,
  );
  console.log(
    `load average during the run: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (ratios are only meaningful on an otherwise idle machine)`,
  );

  await manager.close();
  await manager1.close();
  await engine.close();
  await engine1.close();
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runInferenceBench();
}
