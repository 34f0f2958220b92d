/**
 * Chat bench: what the chat path costs on top of inference and storage.
 *
 *   npm run bench -- chat            MEDICHAT_BENCH_ROUNDS, MEDICHAT_BENCH_TOKENS, MEDICHAT_BENCH_THREADS,
 *                                    MEDICHAT_BENCH_PARALLEL (default 2, the app's), MEDICHAT_BENCH_CHAT_MESSAGES
 *                                    (default 1,000,000), MEDICHAT_BENCH_CHAT_ONLY=streaming|pages
 *
 * 1. Streaming on the REAL default model (SmolLM2-135M-Instruct Q4_1 GGUF, pulled into the cache
 *    with our own `pullModel` when absent), same threads, context size and prompt for every variant.
 *    The prompt is exactly what the chat service builds for a first message (our system prompt +
 *    the user's message), greedy decoding, so all variants generate the same tokens:
 *      (a) node-llama-cpp called directly: one context, a fresh sequence + LlamaChat per generation;
 *      (b) our LlamaCppEngine through the ModelManager, configured as the app is (LLAMA_PARALLEL);
 *      (c) the whole app over a real WebSocket: `send` frame → user message stored → triage → model
 *          lease → history read → tokens as `token` events → reply stored → `message.completed`.
 *    Streamed tok/s (tokens after the first, over the time after the first) and time to first token
 *    (from the call / the frame sent, to the first text). Goals (issue 4): (c) tok/s ≥ 0.95× (a);
 *    (c) TTFT ≤ 1.1× (b) + 20 ms. Variants interleave round by round, alternating order.
 * 2. Messages page over HTTP with many messages (SQLite; 1,000 chats × 1,000 messages by default,
 *    bulk-loaded with `SqliteEngine.insertAll`): `GET /api/chats/:id/messages` through the whole app
 *    (`inject`: routing, JWT, ownership, Zod validation and serialization) vs the repository call it
 *    makes. Newest page of a random chat, and an older page by a random `before` cursor; limit 50.
 *    The raw 1M-message query is the storage bench's.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { getLlama, LlamaChat, resolveChatWrapper, type ChatHistoryItem } from 'node-llama-cpp';
import { v7 as uuidv7 } from 'uuid';
import WebSocket from 'ws';
import { LlamaCppEngine } from '../apps/api/src/engines/inference/llama-cpp.engine.js';
import { ModelManager } from '../apps/api/src/engines/inference/model-manager.js';
import type { ChatTurn, ModelDescriptor } from '../apps/api/src/engines/inference/port.js';
import { cacheDir } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import type { SqliteEngine } from '../apps/api/src/engines/storage/sqlite.js';
import { messages, type MessageDoc } from '../apps/api/src/engines/storage/collections.js';
import { buildPrompt } from '../apps/api/src/modules/assistant/assistant.prompt.js';
import { encodeCursor } from '../apps/api/src/modules/chat/cursor.js';
import { MessageRepository } from '../apps/api/src/modules/chat/message.repository.js';
import { pullModel } from '../apps/api/src/engines/model-store/index.js';
import { DEFAULT_MODEL_SOURCE } from '../apps/api/src/modules/models/model.service.js';
import { createTestApp, type TestApp } from '../apps/api/src/testing/test-app.js';
import { compare } from './lib.js';

const ROUNDS = Number(process.env.MEDICHAT_BENCH_ROUNDS ?? 8);
const MAX_TOKENS = Number(process.env.MEDICHAT_BENCH_TOKENS ?? 64);
const THREADS = Number(process.env.MEDICHAT_BENCH_THREADS || availableParallelism());
const CONTEXT = 2048;
/** Sequences per loaded model for (b) and (c); 2 is the app's default LLAMA_PARALLEL. */
const PARALLEL = Number(process.env.MEDICHAT_BENCH_PARALLEL ?? 2);
const MESSAGES = Number(process.env.MEDICHAT_BENCH_CHAT_MESSAGES ?? 1_000_000);
const PER_CHAT = 1_000;
const USER_TEXT = 'I have had a mild headache since this morning. What can I do at home?';

type Generate = (onText: (t: string) => void) => Promise<{ tokens: number }>;
interface Sample {
  ttftMs: number;
  tokens: number;
  streamTps: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

async function measure(generate: Generate): Promise<Sample> {
  let first = 0;
  let last = 0;
  const t0 = performance.now();
  const { tokens } = await generate((t) => {
    if (!t) return;
    const now = performance.now();
    if (!first) first = now;
    last = now;
  });
  return { ttftMs: first - t0, tokens, streamTps: last > first ? (tokens - 1) / ((last - first) / 1000) : NaN };
}

function appEnv(dataDir?: string): Record<string, string> {
  return {
    LLAMA_THREADS: String(THREADS),
    LLAMA_CONTEXT_SIZE: String(CONTEXT),
    LLAMA_PARALLEL: String(PARALLEL),
    MAX_REPLY_TOKENS: String(MAX_TOKENS),
    RATE_LIMIT_MAX: '1000000',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
  };
}

async function newGuestChat(t: TestApp, token?: string): Promise<{ token: string; chatId: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/chats',
    payload: {},
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = res.json();
  return { token: token ?? body.guestToken, chatId: body.chat.id };
}

async function streamingBench(): Promise<void> {
  const pulled = await pullModel(DEFAULT_MODEL_SOURCE, { modelsDir: cacheDir('models'), env: process.env });
  console.log(
    `\n## chat streaming — ${pulled.name} (${(pulled.sizeBytes / 1e6).toFixed(1)} MB), ${THREADS} threads, ctx ${CONTEXT}, ≤ ${MAX_TOKENS} tokens greedy, ${ROUNDS} rounds`,
  );
  const prompt: ChatTurn[] = buildPrompt({
    history: [{ role: 'user', content: USER_TEXT }],
    context: null,
    urgent: false,
    contextTokens: CONTEXT,
    replyTokens: MAX_TOKENS,
  });

  // (a) node-llama-cpp directly.
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: THREADS });
  const model = await llama.loadModel({ modelPath: pulled.path });
  const context = await model.createContext({ contextSize: CONTEXT, sequences: 1, threads: THREADS });
  const wrapper = resolveChatWrapper(model);
  const direct: Generate = async (onText) => {
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
    try {
      const history: ChatHistoryItem[] = prompt.map((m) =>
        m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
      );
      history.push({ type: 'model', response: [] });
      let n = 0;
      await chat.generateResponse(history, {
        maxTokens: MAX_TOKENS,
        onTextChunk: onText,
        onToken: (t) => (n += t.length),
      });
      return { tokens: n };
    } finally {
      chat.dispose();
      sequence.dispose();
    }
  };

  // (b) our engine through the manager, as the app configures it.
  const engine = new LlamaCppEngine({ threads: THREADS, contextSize: CONTEXT, parallel: PARALLEL });
  const manager = new ModelManager({ engines: { 'llama-cpp': engine } });
  const descriptor: ModelDescriptor = { id: pulled.name, name: pulled.name, engine: 'llama-cpp', path: pulled.path };
  (await manager.acquire(descriptor)).release();
  const viaEngine: Generate = async (onText) => {
    const lease = await manager.acquire(descriptor);
    try {
      const r = await lease.model.generate({ messages: prompt, maxTokens: MAX_TOKENS, onToken: onText });
      return { tokens: r.completionTokens ?? 0 };
    } finally {
      lease.release();
    }
  };

  // (c) the app over a real WebSocket, with the pulled model as its default.
  const t = await createTestApp(appEnv());
  const now = new Date();
  await t.app.storage.models.insert({
    id: uuidv7(),
    name: pulled.name,
    engine: 'llama-cpp',
    kind: 'base',
    source: pulled.source,
    path: pulled.path,
    status: 'available',
    isDefault: true,
    createdAt: now,
    updatedAt: now,
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const guest = await newGuestChat(t);
  const overWs: Generate = async (onText) => {
    // A fresh chat each time: the prompt is then exactly (a)'s and (b)'s.
    const { chatId } = await newGuestChat(t, guest.token);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/chats/${chatId}?token=${guest.token}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve()); // `ready`
      ws.once('error', reject);
    });
    return new Promise((resolve, reject) => {
      ws.on('message', (data) => {
        const e = JSON.parse(String(data));
        if (e.type === 'token') onText(e.text);
        else if (e.type === 'message.completed' || e.type === 'message.failed') {
          ws.close();
          if (e.type === 'message.failed') reject(new Error(`reply failed: ${e.message.error?.type}`));
          else resolve({ tokens: e.message.timings.tokens });
        }
      });
      ws.send(JSON.stringify({ type: 'send', content: USER_TEXT, clientId: uuidv7() }));
    });
  };

  const variants: Array<[string, Generate]> = [
    ['node-llama-cpp direct (a)', direct],
    [`LlamaCppEngine via ModelManager, parallel=${PARALLEL} (b)`, viaEngine],
    ['app over WebSocket (c)', overWs],
  ];
  const samples = variants.map(() => [] as Sample[]);
  for (let r = -1; r < ROUNDS; r++) {
    const order = variants.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      const s = await measure(variants[i]![1]);
      if (r >= 0) samples[i]!.push(s);
    }
  }
  const tps = samples.map((s) => median(s.map((x) => x.streamTps)));
  const ttft = samples.map((s) => median(s.map((x) => x.ttftMs)));
  console.log('| variant | tokens | stream tok/s (median) | TTFT p50 ms | TTFT p90 ms | tok/s vs (a) | TTFT vs (b) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  variants.forEach(([label], i) => {
    console.log(
      `| ${label} | ${median(samples[i]!.map((x) => x.tokens)).toFixed(0)} | ${tps[i]!.toFixed(1)} | ${ttft[i]!.toFixed(1)} | ${pct(
        samples[i]!.map((x) => x.ttftMs),
        90,
      ).toFixed(1)} | ${(tps[i]! / tps[0]!).toFixed(3)}× | ${(ttft[i]! / ttft[1]!).toFixed(3)}× |`,
    );
  });
  const tpsOk = tps[2]! >= 0.95 * tps[0]!;
  const ttftOk = ttft[2]! <= 1.1 * ttft[1]! + 20;
  console.log(
    `goals: WS tok/s ≥ 0.95× direct: ${tpsOk ? '✓' : '✗'} (${(tps[2]! / tps[0]!).toFixed(3)}×); WS TTFT ≤ 1.1× engine + 20 ms: ${ttftOk ? '✓' : '✗'} (${ttft[2]!.toFixed(1)} ms vs ${(1.1 * ttft[1]! + 20).toFixed(1)} ms)`,
  );
  console.log(
    `load average: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  await t.close();
  await manager.close();
  await engine.close();
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}

async function pageBench(): Promise<void> {
  const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
  try {
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'bench@example.org', password: 'violet-harbour-lantern-42' },
    });
    const userId = reg.json().user.id as string;
    const auth = { authorization: `Bearer ${reg.json().accessToken}` };
    if (t.app.storage.engine.kind !== 'sqlite') throw new Error('the page bench bulk-loads SQLite');
    const chatsN = Math.max(1, Math.floor(MESSAGES / PER_CHAT));
    const T0 = Date.UTC(2025, 0, 1);
    const chatIds: string[] = [];
    for (let c = 0; c < chatsN; c++) {
      const at = new Date(T0 + c);
      const chat = await t.app.storage.chats.insert({
        id: `chat${String(c).padStart(6, '0')}`,
        userId,
        title: `chat ${c}`,
        modelId: null,
        createdAt: at,
        updatedAt: at,
        expiresAt: null,
      });
      chatIds.push(chat.id);
    }
    // Bulk-loaded through the SQLite engine in one transaction, chats interleaved in time as in real
    // traffic (as bench/storage.bench.ts does).
    const started = performance.now();
    const engine = t.app.storage.engine as SqliteEngine;
    const db = engine.database;
    function* load(): Generator<MessageDoc> {
      for (let j = 0; j < PER_CHAT; j++) {
        for (let c = 0; c < chatsN; c++) {
          const at = new Date(T0 + 1000 + j * 60_000 + c);
          const user = j % 2 === 0;
          yield {
            id: `m${String(c).padStart(6, '0')}-${String(j).padStart(5, '0')}`,
            chatId: chatIds[c]!,
            role: user ? 'user' : 'assistant',
            content: user
              ? 'I have had a mild headache since this morning. What can I do at home?'
              : 'Rest, drink water and take a simple painkiller if you usually can. See a doctor if it is severe, sudden or lasts more than a few days.',
            status: 'complete',
            clientId: user ? `c-${c}-${j}` : null,
            replyTo: null,
            model: user ? null : 'smollm2',
            timings: user ? null : { queueMs: 3, ttftMs: 80, totalMs: 900, tokens: 40 },
            triage: null,
            error: null,
            createdAt: at,
            updatedAt: at,
          };
        }
      }
    }
    engine.insertAll(messages, load());
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('ANALYZE');
    console.log(
      `\n## messages page over HTTP — ${(chatsN * PER_CHAT).toLocaleString()} messages (${chatsN.toLocaleString()} chats × ${PER_CHAT}) in SQLite, loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const repo = new MessageRepository(t.app.storage.messages);
    let seedA = 1;
    let seedB = 1;
    const rand = (s: number) => ((Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const pick = (which: 'a' | 'b') => {
      const r =
        which === 'a' ? (seedA = Math.floor(rand(seedA) * 2 ** 32)) : (seedB = Math.floor(rand(seedB) * 2 ** 32));
      const x = r / 2 ** 32;
      const c = Math.floor(x * chatsN);
      const j = 100 + Math.floor(((x * 7919) % 1) * (PER_CHAT - 100));
      return {
        chatId: chatIds[c]!,
        at: new Date(T0 + 1000 + j * 60_000 + c),
        id: `m${String(c).padStart(6, '0')}-${String(j).padStart(5, '0')}`,
      };
    };
    await compare(
      'newest page (50) of a random chat',
      ['MessageRepository.page (the storage call)', () => repo.page(pick('a').chatId, 50)],
      [
        [
          'GET /api/chats/:id/messages?limit=50 (inject)',
          async () => {
            const res = await t.app.inject({
              method: 'GET',
              url: `/api/chats/${pick('b').chatId}/messages?limit=50`,
              headers: auth,
            });
            if (res.statusCode !== 200) throw new Error(res.body);
          },
        ],
      ],
      { batch: 200, rounds: 10 },
    );
    seedA = seedB = 7;
    await compare(
      'older page (50) before a random cursor',
      [
        'MessageRepository.page (the storage call)',
        () => {
          const p = pick('a');
          return repo.page(p.chatId, 50, { before: { createdAt: p.at, id: p.id } });
        },
      ],
      [
        [
          'GET /api/chats/:id/messages?before=…&limit=50 (inject)',
          async () => {
            const p = pick('b');
            const res = await t.app.inject({
              method: 'GET',
              url: `/api/chats/${p.chatId}/messages?limit=50&before=${encodeCursor(p.at, p.id)}`,
              headers: auth,
            });
            if (res.statusCode !== 200) throw new Error(res.body);
          },
        ],
      ],
      { batch: 200, rounds: 10 },
    );
    console.log('(goal from the issue for the page: p99 ≤ 10 ms)');
  } finally {
    await t.close();
  }
}

const only = process.env.MEDICHAT_BENCH_CHAT_ONLY;
console.log(`# chat bench — node ${process.version}, ${availableParallelism()} cores`);
if (only !== 'pages') await streamingBench();
if (only !== 'streaming') await pageBench();
