/**
 * The transformers.js engine: ONNX checkpoints through `@huggingface/transformers` (onnxruntime-node).
 *
 * Every loaded model lives in its own worker thread (`transformers.worker.ts`): loading, the chat
 * template, tokenization, every decoding step and sampling run there, so the API's event loop only
 * ever sees small messages (`transformers.engine.test.ts` measures its lag during a generation).
 * A worker runs one generation at a time; concurrent `generate` calls on one model queue FIFO.
 * Abort is a shared-memory flag the worker checks between tokens: the reply so far is kept.
 *
 * `ModelDescriptor.path` is either a model directory (absolute, or relative to the working
 * directory: `<dir>/config.json`, `<dir>/tokenizer*.json`, `<dir>/onnx/model<suffix>.onnx`), or a
 * model id resolved under `localModelPath` — and fetched from the Hub (or `remoteHost`) into
 * `cacheDir` only when `allowRemoteModels` is on. Remote loading is off by default.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, OnnxDevice, OnnxDtype, ToWorker, WorkerGenerate, WorkerInit } from './transformers.worker.js';
import type {
  GenerateParams,
  GenerateResult,
  InferenceEngine,
  LoadedModel,
  LoadProgress,
  ModelDescriptor,
} from './port.js';
import { ModelDisposedError } from './errors.js';

export type { OnnxDevice, OnnxDtype } from './transformers.worker.js';

export interface TransformersEngineOptions {
  /** Root for model ids that are not a directory path. Default `./models`. */
  localModelPath?: string;
  /** Let transformers.js download missing models from the Hub (or `remoteHost`). Default false. */
  allowRemoteModels?: boolean;
  /** A Hub mirror, e.g. `https://hf-mirror.example/`. Default: transformers.js's (huggingface.co). */
  remoteHost?: string;
  /** Where downloads are kept. Default: transformers.js's (`node_modules/@huggingface/transformers/.cache`). */
  cacheDir?: string;
  /**
   * Which ONNX variant to load: `fp32` (`model.onnx`), `q8` (`model_quantized.onnx`), `q4`
   * (`model_q4.onnx`), `fp16`, `int8`, `uint8`, `q4f16`, `bnb4`. `'auto'` (the default) takes fp32
   * when the directory has it, else the first variant present in the order q8, int8, uint8, q4,
   * fp16, q4f16, bnb4 (a pulled model may carry one variant only).
   */
  dtype?: OnnxDtype | 'auto';
  /** onnxruntime execution provider. Default `cpu`; `cuda` / `dml` / `webgpu` need an onnxruntime build with it. */
  device?: OnnxDevice;
  /** onnxruntime intra-op threads per model. Default: available cores. */
  threads?: number;
  /** ONNX file stem when it is not `model` (e.g. `decoder_model_merged`). */
  modelFileName?: string;
  /** `maxTokens` when a request gives none. Default 512. */
  defaultMaxTokens?: number;
}

const DTYPE_SUFFIX: Record<OnnxDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};
const AUTO_ORDER: OnnxDtype[] = ['fp32', 'q8', 'int8', 'uint8', 'q4', 'fp16', 'q4f16', 'bnb4'];

export { ModelDisposedError };

/** The worker failed: a load error, a crash, or an error inside a generation. */
export class TransformersWorkerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransformersWorkerError';
  }
}

interface Resolved {
  modelId: string;
  localModelPath: string;
  /** The model directory when it is on disk. */
  dir: string | null;
  dtype: OnnxDtype;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class TransformersEngine implements InferenceEngine {
  readonly name = 'transformers' as const;
  private readonly models = new Set<TransformersModel>();

  constructor(private readonly options: TransformersEngineOptions = {}) {}

  /** Where a descriptor's files are, and which dtype will be loaded. */
  resolve(model: ModelDescriptor): Resolved {
    const root = resolve(this.options.localModelPath ?? 'models');
    const asPath = isAbsolute(model.path) || model.path.startsWith('./') || model.path.startsWith('../');
    let dir: string | null = null;
    let modelId = model.path;
    let localModelPath = root;
    if (asPath || isDir(resolve(model.path))) {
      dir = resolve(model.path);
      modelId = basename(dir);
      localModelPath = dirname(dir);
    } else if (isDir(join(root, model.path))) {
      dir = join(root, model.path);
    } else if (this.options.cacheDir && isDir(join(this.options.cacheDir, model.path))) {
      dir = join(this.options.cacheDir, model.path);
    }
    const wanted = this.options.dtype ?? 'auto';
    let dtype: OnnxDtype = wanted === 'auto' ? 'fp32' : wanted;
    if (wanted === 'auto' && dir) {
      const stem = this.options.modelFileName ?? 'model';
      dtype = AUTO_ORDER.find((d) => existsSync(join(dir, 'onnx', `${stem}${DTYPE_SUFFIX[d]}.onnx`))) ?? 'fp32';
    }
    return { modelId, localModelPath, dir, dtype };
  }

  /** Sum of the sizes of the ONNX files (and their external data) that `load` would map. */
  async estimateMemoryBytes(model: ModelDescriptor): Promise<number> {
    const { dir, dtype } = this.resolve(model);
    return dir ? onnxBytes(dir, this.options.modelFileName ?? 'model', dtype) : 0;
  }

  async load(model: ModelDescriptor, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel> {
    const r = this.resolve(model);
    if (!r.dir && !this.options.allowRemoteModels)
      throw new TransformersWorkerError(
        `ONNX model "${model.path}" not found (looked under ${r.localModelPath}); remote models are off`,
      );
    const init: Omit<WorkerInit, 'abort'> = {
      modelId: r.modelId,
      localModelPath: r.localModelPath,
      allowRemoteModels: this.options.allowRemoteModels ?? false,
      remoteHost: this.options.remoteHost,
      cacheDir: this.options.cacheDir,
      dtype: r.dtype,
      device: this.options.device ?? 'cpu',
      threads: Math.max(1, this.options.threads ?? availableParallelism()),
      modelFileName: this.options.modelFileName,
    };
    const loaded = new TransformersModel(
      model.id,
      init,
      this.options.defaultMaxTokens ?? 512,
      r.dir ? 'load' : 'download',
      () => this.models.delete(loaded),
    );
    await loaded.start(onProgress);
    const dir = r.dir ?? (this.options.cacheDir ? join(this.options.cacheDir, r.modelId) : null);
    loaded.memoryBytes = dir ? await onnxBytes(dir, this.options.modelFileName ?? 'model', r.dtype) : 0;
    this.models.add(loaded);
    return loaded;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.models].map((m) => m.dispose()));
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function onnxBytes(dir: string, stem: string, dtype: OnnxDtype): Promise<number> {
  const re = new RegExp(`^${escapeRe(stem + DTYPE_SUFFIX[dtype])}\\.onnx(_data(_\\d+)?)?$`);
  const files = await readdir(join(dir, 'onnx')).catch(() => [] as string[]);
  let total = 0;
  for (const f of files.filter((f) => re.test(f))) total += (await stat(join(dir, 'onnx', f))).size;
  return total;
}

/** Spawns the worker: the compiled `.js` next to this file, or the `.ts` source under tsx. */
function spawnWorker(init: WorkerInit): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./transformers.worker.js', self), { workerData: init });
  // Running from source under tsx: on Node 20 the loader hooks registered by `--import tsx` in this
  // thread do not reach a worker's entry module, so the worker registers tsx itself, then imports
  // the .ts entry (execArgv, e.g. --conditions=development, is inherited as usual).
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./transformers.worker.ts', self).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: init });
}

type Job = {
  id: number;
  params: GenerateParams;
  t0: number;
  resolve: (r: GenerateResult) => void;
  reject: (e: unknown) => void;
  text: string;
  firstTokenAt?: number;
  onAbort?: () => void;
};

class TransformersModel implements LoadedModel {
  memoryBytes = 0;
  private worker: Worker | null = null;
  private starting: Promise<void> | null = null;
  private ready = false;
  private idleWaiters: Array<() => void> = [];
  private readonly abort = new Int32Array(new SharedArrayBuffer(4));
  private readonly queue: Job[] = [];
  private current: Job | null = null;
  private nextId = 1;
  private disposed = false;
  private disposing: Promise<void> | null = null;

  constructor(
    readonly id: string,
    private readonly init: Omit<WorkerInit, 'abort'>,
    private readonly defaultMaxTokens: number,
    /** `download` when the files may come from the Hub, `load` when they are on disk. */
    private readonly fetchPhase: 'download' | 'load',
    private readonly onDisposed: () => void,
  ) {}

  /** Generations queued or running. */
  get inFlight(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  /** Starts the worker and waits until the model is loaded in it. */
  start(onProgress?: (p: LoadProgress) => void): Promise<void> {
    this.starting ??= new Promise<void>((resolveStart, rejectStart) => {
      const worker = spawnWorker({ ...this.init, abort: this.abort.buffer as SharedArrayBuffer });
      this.worker = worker;
      let ready = false;
      const files = new Map<string, { loaded: number; total: number }>();
      let last = 0;
      const report = (p: LoadProgress) => {
        if (p.phase !== 'ready' && p.progress < last) return; // monotonic
        last = p.progress;
        onProgress?.(p);
      };
      report({ progress: 0, phase: this.fetchPhase, message: 'starting worker' });
      worker.on('message', (msg: FromWorker) => {
        switch (msg.type) {
          case 'progress': {
            const info = msg.info;
            if (info.status === 'progress' || info.status === 'progress_total') {
              if (info.status === 'progress') files.set(info.file, { loaded: info.loaded, total: info.total });
              let loaded = 0;
              let total = 0;
              for (const f of files.values()) {
                loaded += f.loaded;
                total += f.total;
              }
              const fraction = info.status === 'progress_total' ? info.progress / 100 : total > 0 ? loaded / total : 0;
              // The last few percent are onnxruntime building the session: keep 1 for `ready`.
              report({
                progress: Math.min(0.95, fraction * 0.95),
                phase: this.fetchPhase,
                message: 'file' in info ? info.file : undefined,
              });
            } else if (info.status === 'done') {
              report({ progress: last, phase: 'load', message: `${info.file} loaded` });
            }
            break;
          }
          case 'ready':
            ready = true;
            this.ready = true;
            report({ progress: 1, phase: 'ready' });
            resolveStart();
            break;
          case 'load-error':
            rejectStart(new TransformersWorkerError(`loading ${this.init.modelId} failed: ${msg.message}`));
            void worker.terminate();
            break;
          default:
            this.onWorkerMessage(msg);
        }
      });
      worker.on('error', (err) => {
        if (!ready)
          rejectStart(new TransformersWorkerError(`transformers worker failed: ${err.message}`, { cause: err }));
        this.onWorkerGone(err);
      });
      worker.on('exit', (code) => {
        if (!ready) rejectStart(new TransformersWorkerError(`transformers worker exited (${code}) while loading`));
        this.onWorkerGone(code === 0 ? null : new Error(`worker exited with code ${code}`));
      });
    });
    return this.starting;
  }

  /** The worker crashed or exited: fail the running job; the next generation starts a new worker. */
  private onWorkerGone(err: Error | null): void {
    if (!this.worker) return;
    this.worker = null;
    this.starting = null;
    this.ready = false;
    const job = this.current;
    this.current = null;
    if (job) {
      this.detach(job);
      if (Atomics.load(this.abort, 0) === 1) job.resolve(this.result(job, 'aborted'));
      else
        job.reject(
          new TransformersWorkerError(`transformers worker stopped: ${err?.message ?? 'exited'}`, { cause: err }),
        );
    }
    this.pump();
  }

  private onWorkerMessage(msg: FromWorker): void {
    const job = this.current;
    if (msg.type === 'disposed' || !job || !('id' in msg) || msg.id !== job.id) return;
    if (msg.type === 'token') {
      job.firstTokenAt ??= performance.now();
      job.text += msg.text;
      try {
        job.params.onToken?.(msg.text);
      } catch {
        // a listener's error must not break the stream
      }
      return;
    }
    this.current = null;
    this.detach(job);
    if (msg.type === 'done') {
      job.resolve({
        ...this.result(job, msg.finishReason),
        promptTokens: msg.promptTokens,
        completionTokens: msg.completionTokens,
      });
    } else if (msg.type === 'error') {
      job.reject(new TransformersWorkerError(`generation failed: ${msg.message}`));
    }
    this.pump();
  }

  private result(job: Job, finishReason: GenerateResult['finishReason']): GenerateResult {
    return {
      text: job.text,
      finishReason,
      timeToFirstTokenMs: job.firstTokenAt === undefined ? undefined : job.firstTokenAt - job.t0,
      totalMs: performance.now() - job.t0,
    };
  }

  private detach(job: Job): void {
    if (job.onAbort) job.params.signal?.removeEventListener('abort', job.onAbort);
  }

  generate(params: GenerateParams): Promise<GenerateResult> {
    if (this.disposed) return Promise.reject(new ModelDisposedError(this.id));
    const t0 = performance.now();
    if (params.signal?.aborted) return Promise.resolve({ text: '', finishReason: 'aborted', totalMs: 0 });
    return new Promise<GenerateResult>((resolveJob, rejectJob) => {
      const job: Job = { id: this.nextId++, params, t0, resolve: resolveJob, reject: rejectJob, text: '' };
      job.onAbort = () => {
        if (this.current === job) {
          Atomics.store(this.abort, 0, 1); // the worker stops after the token in progress
        } else {
          const i = this.queue.indexOf(job);
          if (i >= 0) this.queue.splice(i, 1);
          this.detach(job);
          resolveJob(this.result(job, 'aborted'));
        }
      };
      params.signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Sends the next queued job to the worker when it is idle (starting a new worker after a crash). */
  private pump(): void {
    if (this.current) return;
    if (this.queue.length === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
      return;
    }
    if (!this.ready) {
      if (this.worker) return; // (re)starting: pumped again when ready
      this.start().then(
        () => this.pump(),
        (err) => {
          for (const job of this.queue.splice(0)) {
            this.detach(job);
            job.reject(err);
          }
          this.pump();
        },
      );
      return;
    }
    const job = this.queue.shift()!;
    this.current = job;
    Atomics.store(this.abort, 0, 0);
    const p = job.params;
    const msg: WorkerGenerate = {
      type: 'generate',
      id: job.id,
      messages: p.messages.map((m) => ({ role: m.role, content: m.content })),
      maxTokens: Math.max(1, Math.floor(p.maxTokens ?? this.defaultMaxTokens)),
      temperature: p.temperature,
      topP: p.topP,
      seed: p.seed,
      stop: p.stop,
    };
    this.worker!.postMessage(msg satisfies ToWorker);
  }

  /** Lets queued and running generations finish, then unloads the model and ends the worker. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.disposed = true;
      if (this.current || this.queue.length > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
      const worker = this.worker;
      this.worker = null;
      if (worker) {
        const gone = new Promise<void>((r) => {
          worker.once('exit', () => r());
          worker.on('message', (m: FromWorker) => m.type === 'disposed' && void worker.terminate());
        });
        worker.postMessage({ type: 'dispose' } satisfies ToWorker);
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000).unref())]);
        await worker.terminate();
      }
      this.onDisposed();
    })();
    return this.disposing;
  }
}
