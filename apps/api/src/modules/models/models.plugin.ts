/**
 * Inference for the app: the engines, one ModelManager (LRU under MODEL_MEMORY_BUDGET_MB, shared
 * loads, leases that hot-swap never interrupts) and the model registry service. On boot, a pulled
 * default model is registered when the registry has none.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import { LlamaCppEngine } from '../../engines/inference/llama-cpp.engine.js';
import { ModelManager } from '../../engines/inference/model-manager.js';
import type { InferenceEngine, ModelDescriptor } from '../../engines/inference/port.js';
import { TransformersEngine } from '../../engines/inference/transformers.engine.js';
import { OpenAIEngine } from '../../engines/inference/openai.engine.js';
import { HfInferenceEngine } from '../../engines/inference/hf-inference.engine.js';
import { ModelRepository } from './model.repository.js';
import { ModelService } from './model.service.js';

export interface Inference {
  manager: ModelManager;
  models: ModelService;
}

declare module 'fastify' {
  interface FastifyInstance {
    inference: Inference;
  }
}

export default fp(
  async function inference(app: FastifyInstance, opts: { config: Config }) {
    const { config } = opts;
    const llama = config.inference.llama;
    const engines: Partial<Record<ModelDescriptor['engine'], InferenceEngine>> = {
      'llama-cpp': new LlamaCppEngine({
        gpu: llama.gpu,
        threads: llama.threads,
        contextSize: llama.contextSize,
        parallel: llama.parallel,
        batchSize: llama.batchSize,
        logger: (level, message) => {
          if (level === 'error' || level === 'warn') app.log[level]({ engine: 'llama-cpp' }, message);
        },
      }),
      transformers: new TransformersEngine({ localModelPath: config.modelsDir, threads: llama.threads }),
      // Remote engines: each registered model carries its server URL; keys come from config only.
      openai: new OpenAIEngine({ apiKey: config.inference.openaiApiKey }),
      'hf-inference': new HfInferenceEngine({ token: config.inference.hfToken, env: {} }),
    };
    const manager = new ModelManager({
      engines,
      memoryBudgetBytes: config.inference.memoryBudgetBytes,
      onEvent: (e) => {
        if (e.type === 'load-failed') app.log.warn({ model: e.id, err: e.error }, 'model load failed');
        else if (e.type === 'loaded') app.log.info({ model: e.id, memoryBytes: e.memoryBytes, ms: Math.round(e.ms) }, 'model loaded');
        else if (e.type === 'disposed') app.log.info({ model: e.id }, 'model unloaded');
        else if (e.type === 'over-budget') app.log.warn(e, 'models over the memory budget while generations run');
      },
    });
    const models = new ModelService({
      models: new ModelRepository(app.storage.models),
      users: app.identity.users,
      defaultModelName: config.inference.defaultModel,
      modelsDir: config.modelsDir,
      now: () => new Date(),
      log: app.log,
    });
    await models.ensureDefault(app.storage.models);
    app.decorate('inference', { manager, models });
    app.addHook('onClose', async () => {
      await manager.close();
      await Promise.all(Object.values(engines).map((e) => e.close()));
    });
  },
  { name: 'inference', dependencies: ['storage', 'auth'] },
);
