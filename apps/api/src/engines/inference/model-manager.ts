/**
 * The model manager: engine-agnostic cache of loaded models.
 *
 * - `acquire(descriptor)` loads a model on first use and returns a lease; every caller that asks
 *   for the same model while it loads shares that one load and sees its progress.
 * - Loaded models live in an LRU under `memoryBudgetBytes` (least recently acquired goes first). A
 *   model with an active lease is never disposed: when it is the one to go, eviction waits for its
 *   last lease to be released.
 *   So the budget is soft: it can be exceeded for a while rather than break a generation.
 * - Hot swap: a user selecting another model simply acquires it; generations on the old model hold
 *   their leases and finish; the old model is evicted afterwards if memory is needed.
 * - A failed load rejects every waiter and is forgotten: the next acquire tries again.
 */
import type { InferenceEngine, LoadedModel, LoadProgress, ModelDescriptor } from './port.js';

export interface ModelLease {
  readonly model: LoadedModel;
  readonly descriptor: ModelDescriptor;
  /** Give the model back. Idempotent. */
  release(): void;
}

export type ModelManagerEvent =
  | { type: 'loading'; id: string }
  | { type: 'loaded'; id: string; memoryBytes: number; ms: number }
  | { type: 'load-failed'; id: string; error: Error }
  | { type: 'evicting'; id: string; reason: 'budget' | 'unload' | 'close' }
  | { type: 'disposed'; id: string }
  | { type: 'over-budget'; usedBytes: number; budgetBytes: number; pinned: string[] };

/** Engines may tell the size of a model before loading it, so room is made before, not after. */
interface SizedEngine extends InferenceEngine {
  estimateMemoryBytes?(descriptor: ModelDescriptor): Promise<number>;
}

export interface ModelManagerOptions {
  engines: Partial<Record<ModelDescriptor['engine'], InferenceEngine>>;
  /** Soft limit on the sum of `memoryBytes` of loaded models. Default: unlimited. */
  memoryBudgetBytes?: number;
  onEvent?: (event: ModelManagerEvent) => void;
}

export interface LoadedModelInfo {
  key: string;
  id: string;
  name: string;
  engine: ModelDescriptor['engine'];
  state: 'loading' | 'ready' | 'disposing';
  memoryBytes: number;
  leases: number;
  lastUsed: number;
}

type Entry = {
  key: string;
  descriptor: ModelDescriptor;
  state: 'loading' | 'ready' | 'disposing';
  /** Settles when the load ends (ready or failed). */
  ready: Promise<LoadedModel>;
  model?: LoadedModel;
  leases: number;
  lastUsed: number;
  listeners: Set<(p: LoadProgress) => void>;
  lastProgress?: LoadProgress;
  /** Settles when disposal is complete. */
  disposed?: Promise<void>;
  /** Called when the last lease is released. */
  idleWaiters: Array<() => void>;
};

export class ModelClosedError extends Error {
  constructor() {
    super('the model manager is closed');
    this.name = 'ModelClosedError';
  }
}

let clock = 0;
/** Strictly increasing "time" for LRU order (two acquires in one millisecond still order). */
const tick = () => ++clock;

export class ModelManager {
  private readonly entries = new Map<string, Entry>();
  private readonly budget: number;
  private closed = false;

  constructor(private readonly options: ModelManagerOptions) {
    this.budget = options.memoryBudgetBytes ?? Number.POSITIVE_INFINITY;
  }

  /** One key per loadable artefact: the same id at a new path (a re-exported fine-tune) is a new model. */
  static keyOf(d: ModelDescriptor): string {
    return `${d.engine}\u0000${d.id}\u0000${d.path}\u0000${d.baseUrl ?? ''}`;
  }

  get memoryBudgetBytes(): number {
    return this.budget;
  }

  /** Sum of `memoryBytes` of loaded (and not yet disposed) models. */
  get usedBytes(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.model) n += e.model.memoryBytes;
    return n;
  }

  list(): LoadedModelInfo[] {
    return [...this.entries.values()].map((e) => ({
      key: e.key,
      id: e.descriptor.id,
      name: e.descriptor.name,
      engine: e.descriptor.engine,
      state: e.state,
      memoryBytes: e.model?.memoryBytes ?? 0,
      leases: e.leases,
      lastUsed: e.lastUsed,
    }));
  }

  /**
   * Lease a model, loading it first when needed. `onProgress` sees the load's progress (the last
   * event at once for a caller that joins a load under way; `{phase:'ready', progress:1}` at once
   * when the model is already loaded). Aborting `signal` gives up waiting, not the shared load.
   */
  async acquire(
    descriptor: ModelDescriptor,
    onProgress?: (p: LoadProgress) => void,
    signal?: AbortSignal,
  ): Promise<ModelLease> {
    for (;;) {
      if (this.closed) throw new ModelClosedError();
      signal?.throwIfAborted();
      const key = ModelManager.keyOf(descriptor);
      let entry = this.entries.get(key);
      if (entry?.state === 'disposing') {
        // Being evicted: wait until it is gone, then load it anew.
        await entry.disposed;
        continue;
      }
      if (!entry) entry = this.startLoad(key, descriptor);
      if (entry.state === 'ready') {
        onProgress?.({ phase: 'ready', progress: 1 });
        return this.lease(entry);
      }
      // Loading: follow its progress until it settles.
      if (onProgress) {
        entry.listeners.add(onProgress);
        if (entry.lastProgress) onProgress(entry.lastProgress);
      }
      try {
        await (signal ? raceAbort(entry.ready, signal) : entry.ready);
      } finally {
        if (onProgress) entry.listeners.delete(onProgress);
      }
      // (The load's own handler, registered first, has already marked the entry ready.)
      if (this.entries.get(key) === entry && (entry.state as Entry['state']) === 'ready') return this.lease(entry);
      // Loaded then evicted before we got to it (only with a tiny budget and a race): go again.
    }
  }

  /** Convenience: lease, generate, release. */
  async generate(
    descriptor: ModelDescriptor,
    params: Parameters<LoadedModel['generate']>[0],
    onProgress?: (p: LoadProgress) => void,
  ): ReturnType<LoadedModel['generate']> {
    const t0 = performance.now();
    let lease: ModelLease;
    try {
      lease = await this.acquire(descriptor, onProgress, params.signal);
    } catch (err) {
      // Aborted while waiting for the load: an aborted (empty) result, as the port promises.
      if (params.signal?.aborted)
        return { text: '', finishReason: 'aborted', completionTokens: 0, totalMs: performance.now() - t0 };
      throw err;
    }
    try {
      return await lease.model.generate(params);
    } finally {
      lease.release();
    }
  }

  /** Dispose a model now if idle, or as soon as its last lease is released. */
  async unload(descriptor: ModelDescriptor): Promise<void> {
    const entry = this.entries.get(ModelManager.keyOf(descriptor));
    if (!entry) return;
    if (entry.state === 'loading') await entry.ready.catch(() => undefined);
    if (entry.state === 'disposing') return entry.disposed;
    if (entry.state !== 'ready') return; // the load failed: nothing to unload
    await this.idle(entry);
    if (entry.state === 'ready') return this.dispose(entry, 'unload');
    return entry.disposed;
  }

  private idle(entry: Entry): Promise<void> {
    if (entry.leases === 0) return Promise.resolve();
    return new Promise((resolve) => entry.idleWaiters.push(resolve));
  }

  /** Stop accepting leases, wait for leased models to be released, dispose everything. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.values()];
    await Promise.all(
      all.map(async (e) => {
        if (e.state === 'loading') await e.ready.catch(() => undefined);
        await this.idle(e);
        if (e.state === 'ready') await this.dispose(e, 'close');
        else await e.disposed;
      }),
    );
  }

  private startLoad(key: string, descriptor: ModelDescriptor): Entry {
    const engine = this.options.engines[descriptor.engine] as SizedEngine | undefined;
    const entry: Entry = {
      key,
      descriptor,
      state: 'loading',
      ready: undefined as unknown as Promise<LoadedModel>,
      leases: 0,
      lastUsed: tick(),
      listeners: new Set(),
      idleWaiters: [],
    };
    const emitProgress = (p: LoadProgress) => {
      entry.lastProgress = p;
      for (const l of entry.listeners) {
        try {
          l(p);
        } catch {
          // a listener's failure is its own
        }
      }
    };
    const t0 = performance.now();
    entry.ready = (async () => {
      if (!engine) throw new Error(`no inference engine "${descriptor.engine}" is configured`);
      this.emit({ type: 'loading', id: descriptor.id });
      // Make room first when the engine can tell the size ahead, so two big models never overlap.
      if (Number.isFinite(this.budget) && engine.estimateMemoryBytes) {
        const need = await engine.estimateMemoryBytes(descriptor).catch(() => 0);
        await this.evict(need, entry);
      }
      return engine.load(descriptor, emitProgress);
    })();
    this.entries.set(key, entry);
    entry.ready.then(
      (model) => {
        if (this.entries.get(key) !== entry) return;
        entry.model = model;
        entry.state = 'ready';
        this.emit({ type: 'loaded', id: descriptor.id, memoryBytes: model.memoryBytes, ms: performance.now() - t0 });
        if (entry.lastProgress?.phase !== 'ready') emitProgress({ phase: 'ready', progress: 1 });
        void this.evict(0, entry);
      },
      (error: unknown) => {
        // Forget the failure: every waiter gets it now, the next acquire loads again.
        if (this.entries.get(key) === entry) this.entries.delete(key);
        this.emit({
          type: 'load-failed',
          id: descriptor.id,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      },
    );
    return entry;
  }

  private lease(entry: Entry): ModelLease {
    entry.leases++;
    entry.lastUsed = tick();
    let released = false;
    return {
      model: entry.model!,
      descriptor: entry.descriptor,
      release: () => {
        if (released) return;
        released = true;
        entry.leases--;
        // LRU order is by acquire: a model whose last generation just ended after a long stream
        // does not become "recent" by ending (the user may have moved to another model meanwhile).
        if (entry.leases === 0) {
          for (const wake of entry.idleWaiters.splice(0)) wake();
          void this.evict(0);
        }
      },
    };
  }

  /**
   * Dispose models in LRU order (least recently acquired first) until the loaded models plus
   * `incomingBytes` fit the budget. `keep` (the model being loaded or just loaded) is never chosen.
   * When the next victim is leased, eviction stops there and waits for its release (it runs again
   * on every release) rather than skipping to a more recently used model: after a hot swap, the old
   * model goes once its generations end, and the model the user switched to stays.
   */
  private async evict(incomingBytes: number, keep?: Entry): Promise<void> {
    if (!Number.isFinite(this.budget)) return;
    const disposals: Promise<void>[] = [];
    // Models already being disposed are on their way out: they do not count against the budget.
    let used = 0;
    for (const e of this.entries.values()) if (e.state === 'ready' && e.model) used += e.model.memoryBytes;
    const byAge = [...this.entries.values()]
      .filter((e) => e !== keep && e.state === 'ready')
      .sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of byAge) {
      if (used + incomingBytes <= this.budget) break;
      if (e.leases > 0) {
        this.emit({
          type: 'over-budget',
          usedBytes: used + incomingBytes,
          budgetBytes: this.budget,
          pinned: [e.descriptor.id],
        });
        break;
      }
      used -= e.model!.memoryBytes;
      disposals.push(this.dispose(e, 'budget'));
    }
    await Promise.all(disposals);
  }

  private dispose(entry: Entry, reason: 'budget' | 'unload' | 'close'): Promise<void> {
    if (entry.disposed) return entry.disposed;
    entry.state = 'disposing';
    this.emit({ type: 'evicting', id: entry.descriptor.id, reason });
    entry.disposed = (async () => {
      try {
        await entry.model!.dispose();
      } finally {
        if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
        this.emit({ type: 'disposed', id: entry.descriptor.id });
      }
    })();
    return entry.disposed;
  }

  private emit(event: ModelManagerEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // observers never break the manager
    }
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
