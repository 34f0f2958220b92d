/**
 * Which llama.cpp context settings make SmolLM2 fast: context size, batch size, threads and
 * sequences, measured on node-llama-cpp directly (no Medichat code), every variant interleaved
 * round by round so that the load of a shared machine hits all alike. The defaults of
 * LLAMA_CONTEXT_SIZE / LLAMA_BATCH_SIZE / LLAMA_PARALLEL come from this table
 * (docs/inference-engines.md has the figures).
 *
 * Two prompts: a short chat turn, and a realistic Medichat prompt (system text + shared card +
 * history, ~700 tokens) where prompt evaluation, hence the batch size, shows in TTFT.
 *   npm run bench -- llama-settings   (env: MEDICHAT_BENCH_ROUNDS=3, MEDICHAT_BENCH_TOKENS=64,
 *                                      MEDICHAT_BENCH_GRID="ctx:batch:threads:seqs,…")
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { getLlama, LlamaChat, resolveChatWrapper, type ChatHistoryItem, type LlamaContext } from 'node-llama-cpp';
import { cacheDir } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import { pullModel } from '../apps/api/src/engines/model-store/index.js';
import { DEFAULT_MODEL_SOURCE } from '../apps/api/src/modules/models/model.service.js';

interface Variant {
  contextSize: number;
  batchSize: number | undefined;
  threads: number;
  sequences: number;
}

const DEFAULT_GRID = [
  '2048:-:2:1',
  '2048:128:2:1',
  '512:-:2:1',
  '512:128:2:1',
  '2048:-:1:1',
  '2048:128:1:1',
  '2048:-:2:4',
  '2048:128:2:4',
  '1536:128:2:4',
];

function parseGrid(spec: string): Variant[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [ctx, batch, threads, seqs] = s.split(':');
      return {
        contextSize: Number(ctx),
        batchSize: batch === '-' || batch === undefined ? undefined : Number(batch),
        threads: Number(threads ?? 2),
        sequences: Number(seqs ?? 1),
      };
    });
}

const label = (v: Variant) =>
  `ctx ${v.contextSize}, batch ${v.batchSize ?? 'default'}, ${v.threads} thr, ${v.sequences} seq`;

const shortPrompt: ChatHistoryItem[] = [
  { type: 'system', text: 'You are a careful health assistant. Answer briefly.' },
  { type: 'user', text: 'I have had a mild headache since this morning. What can I do at home?' },
  { type: 'model', response: [] },
];

const card =
  'The person shared their health card: age 54, sex female, height 165 cm, weight 72 kg, medications: metformin 500 mg twice daily, lisinopril 10 mg daily; allergies: penicillin (rash); conditions: type 2 diabetes, hypertension; no smoking, alcohol occasionally. ';
const longPrompt: ChatHistoryItem[] = [
  {
    type: 'system',
    text:
      'You are Medichat, a careful health assistant. You are not a doctor. Give short, structured answers: what it may be, what to do now, when to get care. Never repeat the private context back to the user. ' +
      card.repeat(3),
  },
  { type: 'user', text: 'I have been coughing for a week, mostly at night.' },
  {
    type: 'model',
    response: [
      'A cough for a week is common after a cold. Rest, fluids and honey can help. See a doctor if you have a fever, shortness of breath, chest pain or if it lasts more than three weeks. Some blood pressure medicines can cause a dry cough.',
    ],
  },
  { type: 'user', text: 'Could it be my lisinopril? It is a dry cough and it gets worse when I lie down.' },
  {
    type: 'model',
    response: [
      'ACE inhibitors such as lisinopril cause a dry cough in some people. Do not stop it on your own: ask your doctor or pharmacist, who can switch you to another medicine if needed.',
    ],
  },
  { type: 'user', text: 'What else can I do tonight to sleep better with this cough?' },
  { type: 'model', response: [] },
];

interface Sample {
  ttftMs: number;
  tps: number;
  tokens: number;
}

async function generateOn(context: LlamaContext, history: ChatHistoryItem[], maxTokens: number): Promise<Sample> {
  const sequence = context.getSequence();
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: resolveChatWrapper(context.model) });
  const t0 = performance.now();
  let first = 0;
  let last = 0;
  let n = 0;
  try {
    await chat.generateResponse(history, {
      maxTokens,
      onToken: (t) => {
        const now = performance.now();
        if (!first) first = now;
        last = now;
        n += t.length;
      },
    });
  } finally {
    chat.dispose({ disposeSequence: false });
    await sequence.dispose();
  }
  return { ttftMs: first - t0, tps: last > first ? (n - 1) / ((last - first) / 1000) : NaN, tokens: n };
}

/** One round on a variant: `sequences` generations at once (aggregate tok/s), TTFT of each. */
async function round(context: LlamaContext, sequences: number, history: ChatHistoryItem[], maxTokens: number) {
  const t0 = performance.now();
  const runs = await Promise.all(Array.from({ length: sequences }, () => generateOn(context, history, maxTokens)));
  const wall = (performance.now() - t0) / 1000;
  const tokens = runs.reduce((a, r) => a + r.tokens, 0);
  return { aggregateTps: tokens / wall, ttftMs: Math.max(...runs.map((r) => r.ttftMs)), perStreamTps: runs[0]!.tps };
}

function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function runLlamaSettingsBench(): Promise<void> {
  const rounds = Number(process.env.MEDICHAT_BENCH_ROUNDS ?? 3);
  const maxTokens = Number(process.env.MEDICHAT_BENCH_TOKENS ?? 64);
  const grid = parseGrid(process.env.MEDICHAT_BENCH_GRID ?? DEFAULT_GRID.join(','));
  const pulled = await pullModel(DEFAULT_MODEL_SOURCE, { modelsDir: cacheDir('models'), env: process.env });
  const load0 = loadavg();
  console.log(`\n## llama settings — ${pulled.name}, ${maxTokens} tokens greedy, ${rounds} rounds interleaved`);

  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath: pulled.path });
  const contexts: LlamaContext[] = [];
  for (const v of grid)
    contexts.push(
      await model.createContext({
        contextSize: v.contextSize,
        sequences: v.sequences,
        threads: v.threads,
        ...(v.batchSize ? { batchSize: v.batchSize } : {}),
      }),
    );
  const prompts = [
    ['short', shortPrompt],
    ['long', longPrompt],
  ] as const;
  type Round = Awaited<ReturnType<typeof round>>;
  const results = grid.map(() => ({ short: [] as Round[], long: [] as Round[] }));
  for (let r = -1; r < rounds; r++) {
    const order = grid.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order)
      for (const [name, history] of prompts) {
        const res = await round(contexts[i]!, grid[i]!.sequences, history, maxTokens);
        if (r >= 0) results[i]![name].push(res);
      }
  }
  console.log(
    '| settings | batch | aggregate tok/s short | per-stream tok/s short | TTFT ms short | aggregate tok/s long | TTFT ms long (slowest stream) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  grid.forEach((v, i) => {
    const s = results[i]!.short;
    const l = results[i]!.long;
    console.log(
      `| ${label(v)} | ${contexts[i]!.batchSize} | ${median(s.map((x) => x.aggregateTps)).toFixed(1)} | ${median(s.map((x) => x.perStreamTps)).toFixed(1)} | ${median(s.map((x) => x.ttftMs)).toFixed(0)} | ${median(l.map((x) => x.aggregateTps)).toFixed(1)} | ${median(l.map((x) => x.ttftMs)).toFixed(0)} |`,
    );
  });
  console.log(
    `load average: ${load0.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at end (2 cores shared: compare rows, not absolute figures)`,
  );
  for (const c of contexts) await c.dispose();
  await model.dispose();
  await llama.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runLlamaSettingsBench();
}
