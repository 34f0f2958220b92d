/**
 * The node-llama-cpp engine: GGUF checkpoints, in-process. Native work (model load, context
 * creation, every decode) runs on node-llama-cpp's own native threads through async addon calls,
 * so the event loop stays free; `llama-cpp.engine.test.ts` measures the loop's lag during a
 * generation to keep that true.
 *
 * Per loaded model: one llama context holding `parallel` sequences (each `contextSize` tokens),
 * made once and reused: a generation takes a free sequence, and when it ends the sequence's history
 * is cleared and it goes straight to the oldest waiting generation (or back to the pool). So
 * concurrent generations on one model run side by side (llama.cpp batches them into one decode),
 * a generation never sees another's state, and the queue is strictly FIFO: no request waits
 * behind a later one. (A pool of fresh sequences disposed after use does not work: node-llama-cpp 3
 * frees a disposed sequence's slot asynchronously, so the woken waiter found no slot.) A waiting
 * generation is told its place and an estimate of its wait (`onQueued`), from the tok/s measured
 * on the generations running. docs/inference-engines.md has the measurements behind the defaults.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import {
  getLlama,
  LlamaChat,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
} from 'node-llama-cpp';
import type {
  GenerateParams,
  GenerateResult,
  InferenceEngine,
  LoadedModel,
  LoadProgress,
  ModelDescriptor,
  QueueInfo,
} from './port.js';
import { ModelDisposedError } from './errors.js';

export type LlamaGpu = 'auto' | 'cuda' | 'vulkan' | 'metal' | false;

export interface LlamaCppEngineOptions {
  /** GPU backend; `false` (the default) is CPU only. `'auto'` uses a GPU when the machine has one. */
  gpu?: LlamaGpu;
  /** CPU threads per evaluation. Default: `defaultLlamaThreads()` (all cores but one). */
  threads?: number;
  /** Tokens each generation can see (prompt + reply). Default 4096, capped at the model's training size. */
  contextSize?: number;
  /** Generations one loaded model runs side by side (context sequences). Default 4 (bench/concurrency.bench.ts). */
  parallel?: number;
  /** Tokens evaluated per decode (prompt chunks; all sequences' tokens share it). Default: node-llama-cpp's (512 or less). */
  batchSize?: number;
  /** Where llama.cpp's own log lines go (default: dropped below `warn`, to stderr otherwise). */
  logger?: (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;
}

export { ModelDisposedError };

/**
 * All cores but one (at least one). llama.cpp's threads spin at a barrier on every decode: when
 * any of them loses its core (the event loop, embeddings, another process) every decode waits for
 * it. Measured with bench/llama-settings.bench.ts on a shared 2-core machine: SmolLM2 streamed at
 * 35 tok/s with 1 thread vs 2–7 tok/s with 2 (docs/inference-engines.md).
 */
export function defaultLlamaThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

const LOG_LEVELS: Partial<Record<LlamaLogLevel, 'error' | 'warn' | 'info' | 'debug'>> = {
  [LlamaLogLevel.fatal]: 'error',
  [LlamaLogLevel.error]: 'error',
  [LlamaLogLevel.warn]: 'warn',
  [LlamaLogLevel.info]: 'info',
  [LlamaLogLevel.log]: 'info',
  [LlamaLogLevel.debug]: 'debug',
};

export class LlamaCppEngine implements InferenceEngine {
  readonly name = 'llama-cpp' as const;
  readonly threads: number;
  readonly contextSize: number;
  readonly parallel: number;
  private llamaPromise: Promise<Llama> | null = null;
  private readonly models = new Set<LlamaCppModel>();

  constructor(private readonly options: LlamaCppEngineOptions = {}) {
    this.threads = Math.max(1, options.threads ?? defaultLlamaThreads());
    this.contextSize = Math.max(64, options.contextSize ?? 4096);
    this.parallel = Math.max(1, options.parallel ?? 4);
  }

  /** The shared llama.cpp binding (loaded once, prebuilt binaries only: never builds or downloads). */
  llama(): Promise<Llama> {
    if (!this.llamaPromise) {
      const logger = this.options.logger;
      this.llamaPromise = getLlama({
        gpu: this.options.gpu ?? false,
        build: 'never',
        maxThreads: this.threads,
        logLevel: logger ? LlamaLogLevel.debug : LlamaLogLevel.warn,
        ...(logger
          ? {
              logger: (level: LlamaLogLevel, message: string) => {
                const l = LOG_LEVELS[level];
                if (l) logger(l, message.trimEnd());
              },
            }
          : {}),
      });
      this.llamaPromise.catch(() => {
        this.llamaPromise = null; // a failed binding load is retried on the next load
      });
    }
    return this.llamaPromise;
  }

  /** Memory a model would take once loaded (file size + context estimate), before loading it. */
  async estimateMemoryBytes(descriptor: ModelDescriptor): Promise<number> {
    const { size } = await stat(descriptor.path);
    // KV cache is unknown before the header is read; the file size dominates for real models.
    return size;
  }

  async load(descriptor: ModelDescriptor, onProgress?: (p: LoadProgress) => void): Promise<LlamaCppModel> {
    if (descriptor.engine !== 'llama-cpp') throw new Error(`llama-cpp engine cannot load a ${descriptor.engine} model`);
    const fileSize = (await stat(descriptor.path)).size; // fails early and clearly on a missing file
    onProgress?.({ phase: 'load', progress: 0, message: `loading ${descriptor.name}` });
    const llama = await this.llama();
    const model = await llama.loadModel({
      modelPath: descriptor.path,
      onLoadProgress: (p) => onProgress?.({ phase: 'load', progress: Math.min(0.95, p * 0.95) }),
    });
    try {
      const trainSize = model.trainContextSize > 0 ? model.trainContextSize : this.contextSize;
      const contextSize = Math.min(this.contextSize, trainSize);
      const context = await model.createContext({
        contextSize,
        sequences: this.parallel,
        threads: this.threads,
        ...(this.options.batchSize ? { batchSize: this.options.batchSize } : {}),
      });
      // The model's own chat template (jinja in GGUF metadata), resolved once: `resolveChatWrapper`
      // maps it to an equivalent built-in wrapper when there is one, else renders the jinja itself.
      const chatWrapper = resolveChatWrapper(model);
      const estimate = model.fileInsights.estimateContextResourceRequirements({
        contextSize: context.contextSize,
        modelGpuLayers: model.gpuLayers,
        sequences: this.parallel,
        batchSize: context.batchSize,
      });
      const memoryBytes = fileSize + estimate.cpuRam + estimate.gpuVram;
      const loaded = new LlamaCppModel(descriptor.id, memoryBytes, model, context, chatWrapper, () =>
        this.models.delete(loaded),
      );
      this.models.add(loaded);
      onProgress?.({ phase: 'ready', progress: 1 });
      return loaded;
    } catch (err) {
      await model.dispose().catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.models].map((m) => m.dispose()));
    const llama = this.llamaPromise;
    this.llamaPromise = null;
    if (llama) await (await llama.catch(() => null))?.dispose();
  }
}

function toHistory(messages: GenerateParams['messages']): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m): ChatHistoryItem => {
    if (m.role === 'assistant') return { type: 'model', response: [m.content] };
    return { type: m.role, text: m.content };
  });
  history.push({ type: 'model', response: [] });
  return history;
}

/** A generation holding a sequence: what the queue's estimate needs to know about it. */
interface Running {
  maxTokens: number;
  startedAt: number;
  firstTokenAt?: number;
  tokens: number;
}

/** A generation waiting for a sequence, FIFO. `take` hands it a sequence, or null when the model goes. */
interface Waiter {
  take: (sequence: LlamaContextSequence | null) => void;
  maxTokens: number;
  onQueued?: (info: QueueInfo) => void;
  /** What it was last told, to report changes only. */
  told?: QueueInfo;
}

/** Exponentially weighted mean: recent generations count most, one outlier does not swing it. */
class Ewma {
  value: number | undefined;
  constructor(private readonly alpha = 0.3) {}
  add(x: number): void {
    if (!Number.isFinite(x)) return;
    this.value = this.value === undefined ? x : this.value + this.alpha * (x - this.value);
  }
}

/** How often waiting generations get a refreshed estimate (sent only when it moved markedly). */
const QUEUE_REFRESH_MS = 1000;

export class LlamaCppModel implements LoadedModel {
  private disposed = false;
  private disposing: Promise<void> | null = null;
  private readonly active = new Set<Promise<unknown>>();
  /** Sequences cleaning up after a generation (dispose waits for them). */
  private readonly releasing = new Set<Promise<void>>();
  /** Of those, how many have not yet been handed on: slots free within a millisecond or so. */
  private cleaning = 0;
  /**
   * The fixed pool: `parallel` sequences made once, reused for every generation (history cleared
   * in between). node-llama-cpp frees a *disposed* sequence's slot asynchronously, so a
   * take-fresh/dispose pool lets a woken waiter find no slot; handing a cleared sequence straight
   * to the head of the queue keeps the order strictly FIFO and never loses a wake-up.
   */
  private readonly idle: LlamaContextSequence[];
  private readonly waiting: Waiter[] = [];
  private readonly running = new Set<Running>();
  /** Measured on this model: per-stream decode tok/s, ms from slot to first token, reply length. */
  private readonly tokensPerSecond = new Ewma();
  private readonly promptMs = new Ewma();
  private readonly replyTokens = new Ewma();
  private refreshTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly id: string,
    readonly memoryBytes: number,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    readonly chatWrapper: ChatWrapper,
    private readonly onDisposed: () => void,
  ) {
    this.idle = Array.from({ length: context.totalSequences }, () => context.getSequence());
  }

  get inFlight(): number {
    return this.active.size;
  }

  /** Generations waiting for a sequence. */
  get queued(): number {
    return this.waiting.length;
  }

  get chatWrapperName(): string {
    return this.chatWrapper.wrapperName;
  }

  /** Reply length to expect from a generation capped at `maxTokens`. */
  private expectedTokens(maxTokens: number): number {
    const typical = this.replyTokens.value;
    return typical === undefined ? maxTokens : Math.min(maxTokens, Math.max(1, typical));
  }

  /**
   * Per-stream tok/s now: measured on the generations running (they share the CPU with exactly
   * the load a waiter will meet), else the recent mean.
   */
  private currentRate(now: number): number | undefined {
    let sum = 0;
    let n = 0;
    for (const g of this.running) {
      if (g.firstTokenAt === undefined || g.tokens < 4) continue;
      const s = (now - g.firstTokenAt) / 1000;
      if (s > 0) {
        sum += (g.tokens - 1) / s;
        n++;
      }
    }
    return n > 0 ? sum / n : this.tokensPerSecond.value;
  }

  /**
   * Queue position and estimate for every waiter: a little simulation of the slots — each frees
   * when its generation's expected tokens are done, then goes to the next waiter in order.
   */
  private queueInfos(): QueueInfo[] {
    const now = performance.now();
    const rate = this.currentRate(now);
    const prompt = this.promptMs.value ?? 0;
    const infos: QueueInfo[] = [];
    if (rate === undefined || rate <= 0) {
      this.waiting.forEach((_, i) => infos.push({ position: i + 1 - this.cleaning, ahead: this.running.size + i }));
      return infos;
    }
    const msFor = (tokens: number) => (Math.max(0, tokens) / rate) * 1000;
    const frees = [...this.running].map((g) => {
      const expected = this.expectedTokens(g.maxTokens);
      if (g.firstTokenAt === undefined) return Math.max(0, prompt - (now - g.startedAt)) + msFor(expected);
      // Past its expected length: it stops any moment or at its cap, whichever; count a little.
      return msFor(g.tokens < expected ? expected - g.tokens : Math.min(g.maxTokens - g.tokens, 0.1 * expected));
    });
    for (let i = 0; i < this.idle.length + this.cleaning; i++) frees.push(0);
    this.waiting.forEach((w, i) => {
      frees.sort((a, b) => a - b);
      const start = frees.shift() ?? 0;
      infos.push({ position: i + 1 - this.cleaning, ahead: this.running.size + i, etaMs: Math.round(start) });
      frees.push(start + prompt + msFor(this.expectedTokens(w.maxTokens)));
    });
    return infos;
  }

  /** Tell waiters where they stand: on a change of place, or (refresh) when the estimate moved markedly. */
  private notifyQueue(refresh = false): void {
    const infos = this.queueInfos();
    this.waiting.forEach((w, i) => {
      const info = infos[i]!;
      const told = w.told;
      // A sequence being cleared is on its way to this one (it is told 0 when it gets it).
      if (i < this.cleaning) return;
      const moved =
        !told ||
        told.position !== info.position ||
        told.ahead !== info.ahead ||
        (told.etaMs === undefined) !== (info.etaMs === undefined) ||
        (refresh &&
          told.etaMs !== undefined &&
          info.etaMs !== undefined &&
          Math.abs(told.etaMs - info.etaMs) > Math.max(1000, 0.2 * told.etaMs));
      if (!moved) return;
      w.told = info;
      tell(w, info);
    });
    if (this.waiting.length > 0 && !this.refreshTimer) {
      this.refreshTimer = setInterval(() => this.notifyQueue(true), QUEUE_REFRESH_MS);
      this.refreshTimer.unref();
    } else if (this.waiting.length === 0 && this.refreshTimer) {
      clearInterval(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  /** A sequence for this generation: a free one when nobody waits, else its turn in the queue. */
  private takeSequence(me: Running, params: GenerateParams): Promise<LlamaContextSequence | null> {
    const { signal } = params;
    if (signal?.aborted) return Promise.resolve(null);
    // `me` counts as running from the moment it holds a sequence (synchronously: a generation
    // queued in the same tick must see it ahead).
    const start = (sequence: LlamaContextSequence) => {
      me.startedAt = performance.now();
      this.running.add(me);
      return sequence;
    };
    if (this.waiting.length === 0 && this.idle.length > 0) return Promise.resolve(start(this.idle.shift()!));
    return new Promise<LlamaContextSequence | null>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(null);
        this.notifyQueue();
      };
      const waiter: Waiter = {
        maxTokens: me.maxTokens,
        onQueued: params.onQueued,
        take: (sequence) => {
          signal?.removeEventListener('abort', onAbort);
          if (!sequence) return reject(new ModelDisposedError(this.id));
          resolve(start(sequence));
          if (waiter.told) tell(waiter, { position: 0, ahead: 0, etaMs: 0 });
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.notifyQueue();
    });
  }

  /** Clear a sequence's state and hand it to the head of the queue (or back to the pool). */
  private giveBack(sequence: LlamaContextSequence): void {
    this.cleaning++;
    const released = (async () => {
      let next: LlamaContextSequence | null = sequence;
      try {
        await sequence.clearHistory();
      } catch {
        // A sequence that cannot be cleared is replaced: its slot is free once dispose settles.
        await sequence.dispose().catch(() => undefined);
        next =
          this.disposed || this.context.disposed || this.context.sequencesLeft === 0
            ? null
            : this.context.getSequence();
      } finally {
        this.cleaning--;
      }
      if (!next) return;
      const waiter = this.disposed ? undefined : this.waiting.shift();
      if (waiter) {
        waiter.take(next);
        this.notifyQueue();
      } else this.idle.push(next);
    })();
    this.releasing.add(released);
    void released.finally(() => this.releasing.delete(released));
  }

  generate(params: GenerateParams): Promise<GenerateResult> {
    if (this.disposed) return Promise.reject(new ModelDisposedError(this.id));
    const run = this.run(params);
    this.active.add(run);
    const done = () => this.active.delete(run);
    run.then(done, done);
    return run;
  }

  private async run(params: GenerateParams): Promise<GenerateResult> {
    const t0 = performance.now();
    const { signal } = params;
    const maxTokens = params.maxTokens ?? this.context.contextSize;
    const aborted = (text = ''): GenerateResult => ({
      text,
      finishReason: 'aborted',
      completionTokens: 0,
      totalMs: performance.now() - t0,
    });
    const me: Running = { maxTokens, startedAt: t0, tokens: 0 };
    const sequence = await this.takeSequence(me, params);
    if (!sequence) return aborted();
    const startedAt = me.startedAt;
    const queueMs = startedAt - t0;
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper });
    const inputTokensBefore = sequence.tokenMeter.usedInputTokens;
    let text = '';
    let firstTokenAt: number | undefined;
    let lastTokenAt = 0;
    try {
      if (signal?.aborted) return { ...aborted(), queueMs };
      const response = await chat.generateResponse(toHistory(params.messages), {
        maxTokens: params.maxTokens,
        temperature: params.temperature,
        topP: params.topP,
        seed: params.seed,
        repeatPenalty: params.repeatPenalty ? { penalty: params.repeatPenalty, lastTokens: 64 } : undefined,
        customStopTriggers: params.stop && params.stop.length > 0 ? params.stop : undefined,
        signal,
        stopOnAbortSignal: true,
        onToken: (tokens) => {
          lastTokenAt = performance.now();
          me.firstTokenAt ??= lastTokenAt;
          me.tokens += tokens.length;
        },
        onTextChunk: (chunk) => {
          if (chunk.length === 0) return;
          firstTokenAt ??= performance.now();
          text += chunk;
          params.onToken?.(chunk);
        },
      });
      const reason = response.metadata.stopReason;
      const finishReason: GenerateResult['finishReason'] =
        reason === 'maxTokens' ? 'length' : reason === 'abort' ? 'aborted' : 'stop';
      const completionTokens = me.tokens;
      const inputTokens = sequence.tokenMeter.usedInputTokens - inputTokensBefore;
      if (finishReason !== 'aborted' && me.firstTokenAt !== undefined) {
        this.promptMs.add(me.firstTokenAt - startedAt);
        this.replyTokens.add(completionTokens);
        if (completionTokens >= 4)
          this.tokensPerSecond.add((completionTokens - 1) / ((lastTokenAt - me.firstTokenAt) / 1000));
      }
      return {
        // The streamed text is the reply: what the client saw is exactly what is stored.
        text,
        finishReason,
        // Generated tokens are fed back as input one by one (all but the last): the rest is the prompt.
        promptTokens: Math.max(0, inputTokens - Math.max(0, completionTokens - 1)),
        completionTokens,
        timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - t0,
        queueMs,
        totalMs: performance.now() - t0,
      };
    } catch (err) {
      // Aborted before the first token: node-llama-cpp throws the signal's reason; we keep the contract.
      if (signal?.aborted)
        return {
          ...aborted(text),
          completionTokens: me.tokens,
          timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - t0,
          queueMs,
        };
      throw err;
    } finally {
      this.running.delete(me);
      chat.dispose({ disposeSequence: false });
      this.giveBack(sequence);
    }
  }

  /** Waits for generations in flight, then frees the context and the model. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.disposed = true;
      for (const w of this.waiting.splice(0)) w.take(null);
      this.notifyQueue();
      await Promise.allSettled([...this.active]);
      await Promise.allSettled([...this.releasing]);
      await this.context.dispose();
      await this.model.dispose();
      this.onDisposed();
    })();
    return this.disposing;
  }
}

/** A listener's bug must not break the queue. */
function tell(w: Waiter, info: QueueInfo): void {
  try {
    w.onQueued?.(info);
  } catch {
    // ignored: queue reports are advisory
  }
}
