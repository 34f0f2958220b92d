/** Embeddings: the port, the MiniLM engine (worker thread) and how its model is acquired. */
export * from './port.js';
export { TransformersEmbeddingEngine, type TransformersEmbeddingOptions } from './transformers-embedding.engine.js';
export {
  embeddingModelDir,
  ensureEmbeddingModel,
  isEmbeddingModelPresent,
  MINILM,
  type EmbeddingModel,
  type EmbeddingModelSpec,
  type EnsureEmbeddingModelOptions,
} from './embedding-model.js';
