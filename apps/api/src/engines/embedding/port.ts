/**
 * The embedding engine port: text in, unit-length vectors out. The knowledge service embeds the
 * entries once (at index time) and each query; the vector index compares vectors by cosine
 * similarity, which for unit vectors is their dot product.
 */
export interface EmbeddingEngine {
  /** Model id the vectors belong to; stored with them, so a new model means re-indexing. */
  readonly modelId: string;
  readonly dimensions: number;
  /** One unit-length vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** The engine was closed, or its worker died. */
export class EmbeddingEngineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddingEngineError';
  }
}
