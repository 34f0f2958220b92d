/**
 * Voice bench (issue 10): first audio after the end of speech for `POST /api/messages/voice`,
 * against the sum of its stages run standalone on the same input, side by side in one run.
 *
 *   npm run bench -- voice        MEDICHAT_BENCH_ROUNDS (default 3 per WAV), MEDICHAT_BENCH_TOKENS (64),
 *                                 MEDICHAT_BENCH_THREADS (2)
 *
 * Inputs: N questions spoken by espeak-ng to WAV. Per round and WAV, interleaved:
 *   route     the whole app (inject): multipart upload → ffmpeg → Whisper tiny.en → triage → SmolLM2
 *             (the default GGUF) streaming → Piper per sentence while it streams → JSON with the WAV.
 *             Two figures: `first audio` = the server's first sentence synthesised (the route's
 *             `voiceTimings.firstAudioMs`: what a streaming client could start playing), and
 *             `answer` = the response arriving (the whole reply spoken).
 *   stages    the same engines standalone: ffmpeg + Whisper on the WAV, then SmolLM2 on the app's
 *             prompt until its first complete sentence (aborted there), then Piper on that sentence.
 * Ratio = route first audio / (stt + first sentence + tts); target ≤ 1.15×.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { voiceReplySchema } from '@medichat/shared';
import { LlamaCppEngine } from '../apps/api/src/engines/inference/llama-cpp.engine.js';
import { ModelManager } from '../apps/api/src/engines/inference/model-manager.js';
import type { ModelDescriptor } from '../apps/api/src/engines/inference/port.js';
import { cacheDir } from '../apps/api/src/engines/inference/tiny-model.test-helpers.js';
import { pullModel } from '../apps/api/src/engines/model-store/index.js';
import { FasterWhisperEngine, PiperEngine, transcodeToWav16k } from '../apps/api/src/engines/speech/index.js';
import { localSpeechPaths } from '../apps/api/src/engines/speech/speech.test-helpers.js';
import { buildPrompt } from '../apps/api/src/modules/assistant/assistant.prompt.js';
import { SentenceCutter } from '../apps/api/src/modules/chat/speakable.js';
import { DEFAULT_MODEL_SOURCE } from '../apps/api/src/modules/models/model.service.js';
import { createTestApp } from '../apps/api/src/testing/test-app.js';

const ROUNDS = Number(process.env.MEDICHAT_BENCH_ROUNDS ?? 3);
const MAX_TOKENS = Number(process.env.MEDICHAT_BENCH_TOKENS ?? 64);
const THREADS = Number(process.env.MEDICHAT_BENCH_THREADS || Math.min(2, availableParallelism()));
const CONTEXT = 2048;
const QUESTIONS = [
  'I have a headache and a fever since yesterday.',
  'How much water should I drink every day?',
  'My knee hurts after running. What can I do?',
  'Can I take ibuprofen for a sore throat?',
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const ms = (x: number) => `${Math.round(x)} ms`;

async function main(): Promise<void> {
  const paths = localSpeechPaths();
  if (!paths.present) {
    console.log('\n## voice — skipped: run scripts/ensure-speech.sh');
    return;
  }
  const pulled = await pullModel(DEFAULT_MODEL_SOURCE, { modelsDir: cacheDir('models'), env: process.env });
  console.log(
    `\n## voice — ${pulled.name}, Whisper tiny.en (faster-whisper), Piper en_US-joe-medium; ${THREADS} threads, ≤ ${MAX_TOKENS} tokens, ${QUESTIONS.length} WAVs × ${ROUNDS} rounds; load ${loadavg()[0]!.toFixed(1)}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'medichat-voice-bench-'));
  const wavs = QUESTIONS.map((q, i) => {
    const file = join(dir, `q${i}.wav`);
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', file, q]);
    return file;
  });

  // The app, with the pulled model as its default (speech engines from config, as in production).
  const t = await createTestApp({
    LLAMA_THREADS: String(THREADS),
    LLAMA_CONTEXT_SIZE: String(CONTEXT),
    MAX_REPLY_TOKENS: String(MAX_TOKENS),
    SPEECH_THREADS: String(THREADS),
    RATE_LIMIT_MAX: '1000000',
  });
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
  const created = (await t.app.inject({ method: 'POST', url: '/api/chats', payload: {} })).json();
  const auth = { authorization: `Bearer ${created.guestToken as string}` };
  const route = async (file: string) => {
    const chat = (await t.app.inject({ method: 'POST', url: '/api/chats', headers: auth, payload: {} })).json();
    const form = new FormData();
    form.append('chatId', chat.chat.id as string);
    form.append('audio', new Blob([readFileSync(file)], { type: 'audio/wav' }), 'q.wav');
    const res = new Response(form);
    const payload = Buffer.from(await res.arrayBuffer());
    const t0 = performance.now();
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/messages/voice',
      headers: { ...auth, 'content-type': res.headers.get('content-type')! },
      payload,
    });
    const answerMs = performance.now() - t0;
    if (out.statusCode !== 200) throw new Error(`voice route ${out.statusCode}: ${out.body}`);
    const v = voiceReplySchema.parse(out.json()).voiceTimings;
    return { firstAudioMs: v.firstAudioMs ?? answerMs, answerMs, v };
  };

  // The same engines standalone.
  const stt = new FasterWhisperEngine({ python: paths.python, modelDir: paths.whisperDir, threads: THREADS });
  const tts = new PiperEngine({ modelPath: paths.piperModel, threads: THREADS });
  const manager = new ModelManager({
    engines: { 'llama-cpp': new LlamaCppEngine({ threads: THREADS, contextSize: CONTEXT, parallel: 2 }) },
  });
  const descriptor: ModelDescriptor = { id: pulled.name, name: pulled.name, engine: 'llama-cpp', path: pulled.path };
  const stages = async (file: string) => {
    const t0 = performance.now();
    const wav = join(dir, `s-${uuidv7()}.wav`);
    await transcodeToWav16k(file, wav, { maxSeconds: 60 });
    const text = (await stt.transcribe(wav, { language: 'en' })).text.trim();
    const sttMs = performance.now() - t0;
    const prompt = buildPrompt({
      history: [{ role: 'user', content: text }],
      context: null,
      urgent: false,
      contextTokens: CONTEXT,
      replyTokens: MAX_TOKENS,
    });
    const t1 = performance.now();
    const lease = await manager.acquire(descriptor);
    const cutter = new SentenceCutter();
    const ac = new AbortController();
    let reply = '';
    let first: string | undefined;
    try {
      await lease.model.generate({
        messages: prompt,
        maxTokens: MAX_TOKENS,
        signal: ac.signal,
        onToken: (tok) => {
          reply += tok;
          first ??= cutter.push(reply)[0];
          if (first) ac.abort();
        },
      });
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    } finally {
      lease.release();
    }
    first ??= cutter.finish(reply)[0] ?? reply;
    const genMs = performance.now() - t1;
    const t2 = performance.now();
    await tts.synthesize(first);
    const ttsMs = performance.now() - t2;
    rmSync(wav, { force: true });
    return { sttMs, genMs, ttsMs, sumMs: sttMs + genMs + ttsMs };
  };

  // Warm-up: load every model once on each side.
  const log = (what: string, x: unknown) =>
    process.env.MEDICHAT_BENCH_VERBOSE && console.error(what, JSON.stringify(x));
  log('warm-up route', await route(wavs[0]!));
  log('warm-up stages', await stages(wavs[0]!));

  const r = { first: [] as number[], answer: [] as number[], stt: [] as number[], tts: [] as number[] };
  const s = { sum: [] as number[], stt: [] as number[], gen: [] as number[], tts: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, wav] of wavs.entries()) {
      // Alternate which side goes first.
      const order = (round + i) % 2 === 0;
      const a = order ? await route(wav) : undefined;
      const b = await stages(wav);
      const c = a ?? (await route(wav));
      log('route', c);
      log('stages', b);
      r.first.push(c.firstAudioMs);
      r.answer.push(c.answerMs);
      r.stt.push(c.v.transcodeMs + c.v.sttMs);
      r.tts.push(c.v.ttsMs);
      s.sum.push(b.sumMs);
      s.stt.push(b.sttMs);
      s.gen.push(b.genMs);
      s.tts.push(b.ttsMs);
    }
  }
  const row = (label: string, xs: number[]) => console.log(`| ${label} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 90))} |`);
  console.log('\n| measure | P50 | P90 |\n| --- | --- | --- |');
  row('route: first audio (first sentence synthesised)', r.first);
  row('route: answer received (whole reply spoken)', r.answer);
  row('route: transcode + STT', r.stt);
  row('stages: ffmpeg + STT', s.stt);
  row('stages: SmolLM2 to first sentence', s.gen);
  row('stages: Piper, that sentence', s.tts);
  row('stages: sum', s.sum);
  const ratio = pct(r.first, 50) / pct(s.sum, 50);
  console.log(
    `\nfirst audio / sum of stages (P50): ${ratio.toFixed(2)}× (target ≤ 1.15×); answer / sum: ${(pct(r.answer, 50) / pct(s.sum, 50)).toFixed(2)}×`,
  );
  console.log(
    `issue targets: first audio P50 ≤ 1500 ms → ${ms(pct(r.first, 50))}; P90 ≤ 2500 ms → ${ms(pct(r.first, 90))}`,
  );

  await Promise.all([stt.close(), tts.close(), manager.close()]);
  await t.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
