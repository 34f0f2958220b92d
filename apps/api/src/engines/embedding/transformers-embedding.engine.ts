/**
 * The embedding engine for sentence-transformers models in a transformers.js layout (the MiniLM
 * that `embedding-model.ts` assembles): one worker thread (`embedding.worker.ts`) holds the model,
 * so tokenization, onnxruntime and pooling never run on the API's event loop. Requests are sent
 * as they come; the worker answers them in order (FIFO), one batch at a time.
 *
 *   const engine = await TransformersEmbeddingEngine.open({ dir: model.dir, modelId: MINILM.name });
 *   const [v] = await engine.embed(['chest pain when walking']);
 */
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EmbeddingEngineError, type EmbeddingEngine } from './port.js';
import type { EmbeddingWorkerInit, FromEmbeddingWorker, ToEmbeddingWorker } from './embedding.worker.js';

export interface TransformersEmbeddingOptions {
  /** The model directory (`config.json`, `tokenizer.json`, `onnx/model_quantized.onnx`). */
  dir: string;
  /** Id stored with the vectors; default the directory name. */
  modelId?: string;
  dtype?: 'q8' | 'fp32';
  /** onnxruntime intra-op threads. Default 1: a query is a few dozen tokens, and chat shares the cores. */
  threads?: number;
  /** Longest input in tokens. Default 256 (MiniLM's max_seq_length). */
  maxTokens?: number;
}

interface Pending {
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

export class TransformersEmbeddingEngine implements EmbeddingEngine {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly modelId: string,
    readonly dimensions: number,
  ) {
    worker.on('message', (m: FromEmbeddingWorker) => this.onMessage(m));
    worker.on('error', (err) =>
      this.fail(new EmbeddingEngineError(`embedding worker crashed: ${err.message}`, { cause: err })),
    );
    worker.on('exit', () => this.fail(new EmbeddingEngineError('embedding worker exited')));
  }

  /** Start the worker and load the model; rejects when the model cannot be loaded. */
  static async open(options: TransformersEmbeddingOptions): Promise<TransformersEmbeddingEngine> {
    const init: EmbeddingWorkerInit = {
      modelId: basename(options.dir),
      localModelPath: dirname(options.dir),
      dtype: options.dtype ?? 'q8',
      threads: Math.max(1, Math.min(options.threads ?? 1, availableParallelism())),
      maxTokens: options.maxTokens ?? 256,
    };
    const worker = spawnWorker(init);
    const dimensions = await new Promise<number>((resolve, reject) => {
      const onMessage = (m: FromEmbeddingWorker) => {
        if (m.type === 'ready') done(() => resolve(m.dimensions));
        else if (m.type === 'load-error')
          done(() =>
            reject(new EmbeddingEngineError(`cannot load the embedding model in ${options.dir}: ${m.message}`)),
          );
      };
      const onError = (err: Error) =>
        done(() => reject(new EmbeddingEngineError(`embedding worker failed: ${err.message}`, { cause: err })));
      const onExit = () => done(() => reject(new EmbeddingEngineError('embedding worker exited while loading')));
      const done = (f: () => void) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        f();
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    return new TransformersEmbeddingEngine(worker, options.modelId ?? basename(options.dir), dimensions);
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(new EmbeddingEngineError('the embedding engine is closed'));
    if (this.failure) return Promise.reject(this.failure);
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'embed', id, texts: [...texts] } satisfies ToEmbeddingWorker);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const gone = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'dispose' } satisfies ToEmbeddingWorker);
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await gone;
    clearTimeout(timer);
    this.fail(new EmbeddingEngineError('the embedding engine is closed'));
  }

  private onMessage(m: FromEmbeddingWorker): void {
    if (m.type !== 'vectors' && m.type !== 'error') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'error') {
      p.reject(new EmbeddingEngineError(`embedding failed: ${m.message}`));
      return;
    }
    const out: Float32Array[] = [];
    for (let i = 0; i < m.data.length; i += m.dimensions) out.push(m.data.subarray(i, i + m.dimensions));
    p.resolve(out);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** The compiled `.js` next to this file, or the `.ts` source under tsx (as `transformers.engine.ts` does). */
function spawnWorker(init: EmbeddingWorkerInit): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./embedding.worker.js', self), { workerData: init });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./embedding.worker.ts', self).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: init });
}
