/**
 * The node-llama-cpp engine: GGUF checkpoints, in-process. Native work (model load, context
 * creation, every decode) runs on node-llama-cpp's own native threads through async addon calls,
 * so the event loop stays free; `llama-cpp.engine.test.ts` measures the loop's lag during a
 * generation to keep that true.
 *
 * Per loaded model: one llama context holding `parallel` sequences (each `contextSize` tokens).
 * Every generation takes a fresh sequence from that context and gives it back when done, so
 * concurrent generations on one model run side by side (llama.cpp batches them together) and a
 * generation never sees another's state. When all sequences are busy, generations queue FIFO.
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
} from './port.js';
import { ModelDisposedError } from './errors.js';

export type LlamaGpu = 'auto' | 'cuda' | 'vulkan' | 'metal' | false;

export interface LlamaCppEngineOptions {
  /** GPU backend; `false` (the default) is CPU only. `'auto'` uses a GPU when the machine has one. */
  gpu?: LlamaGpu;
  /** CPU threads per evaluation. Default: `os.availableParallelism()`. */
  threads?: number;
  /** Tokens each generation can see (prompt + reply). Default 4096, capped at the model's training size. */
  contextSize?: number;
  /** Generations one loaded model runs side by side (context sequences). Default 2. */
  parallel?: number;
  /** Prompt evaluation batch size. Default: node-llama-cpp's (512 or less). */
  batchSize?: number;
  /** Where llama.cpp's own log lines go (default: dropped below `warn`, to stderr otherwise). */
  logger?: (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;
}

export { ModelDisposedError };

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
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.contextSize = Math.max(64, options.contextSize ?? 4096);
    this.parallel = Math.max(1, options.parallel ?? 2);
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

export class LlamaCppModel implements LoadedModel {
  private disposed = false;
  private disposing: Promise<void> | null = null;
  private readonly active = new Set<Promise<unknown>>();
  /** Generations waiting for a free context sequence, FIFO. */
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly id: string,
    readonly memoryBytes: number,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    readonly chatWrapper: ChatWrapper,
    private readonly onDisposed: () => void,
  ) {}

  get inFlight(): number {
    return this.active.size;
  }

  get chatWrapperName(): string {
    return this.chatWrapper.wrapperName;
  }

  private async takeSequence(signal?: AbortSignal): Promise<LlamaContextSequence | null> {
    while (this.context.sequencesLeft === 0) {
      if (signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve();
        };
        this.waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (this.disposed) throw new ModelDisposedError(this.id);
    }
    return this.context.getSequence();
  }

  private giveBack(sequence: LlamaContextSequence): void {
    sequence.dispose();
    this.waiting.shift()?.();
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
    const aborted = (text = ''): GenerateResult => ({
      text,
      finishReason: 'aborted',
      completionTokens: 0,
      totalMs: performance.now() - t0,
    });
    const sequence = await this.takeSequence(signal);
    if (!sequence) return aborted();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper });
    let text = '';
    let completionTokens = 0;
    let firstTokenAt: number | undefined;
    try {
      if (signal?.aborted) return aborted();
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
          completionTokens += tokens.length;
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
      const inputTokens = sequence.tokenMeter.usedInputTokens;
      return {
        // The streamed text is the reply: what the client saw is exactly what is stored.
        text,
        finishReason,
        // Generated tokens are fed back as input one by one (all but the last): the rest is the prompt.
        promptTokens: Math.max(0, inputTokens - Math.max(0, completionTokens - 1)),
        completionTokens,
        timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - t0,
        totalMs: performance.now() - t0,
      };
    } catch (err) {
      // Aborted before the first token: node-llama-cpp throws the signal's reason; we keep the contract.
      if (signal?.aborted)
        return {
          ...aborted(text),
          completionTokens,
          timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - t0,
        };
      throw err;
    } finally {
      chat.dispose({ disposeSequence: false });
      this.giveBack(sequence);
    }
  }

  /** Waits for generations in flight, then frees the context and the model. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.disposed = true;
      for (const wake of this.waiting.splice(0)) wake();
      await Promise.allSettled([...this.active]);
      await this.context.dispose();
      await this.model.dispose();
      this.onDisposed();
    })();
    return this.disposing;
  }
}
