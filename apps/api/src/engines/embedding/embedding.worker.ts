/**
 * The embedding worker: loads a sentence-transformers model with transformers.js
 * (`feature-extraction`, onnxruntime-node) and answers `embed` requests with mean-pooled,
 * L2-normalised vectors (all-MiniLM-L6-v2's recipe). Tokenization, onnxruntime and pooling run
 * here, off the API's event loop; vectors go back as one transferred Float32Array buffer.
 *
 *   engine → worker   { type: 'embed', id, texts } | { type: 'dispose' }
 *   worker → engine   'ready' | 'load-error'; per request 'vectors' | 'error'; 'disposed'
 */
import { parentPort, workerData } from 'node:worker_threads';
import { env, LogLevel, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';

export interface EmbeddingWorkerInit {
  /** Directory name below `localModelPath`. */
  modelId: string;
  localModelPath: string;
  dtype: 'q8' | 'fp32';
  threads: number;
  /** Longest input in tokens; longer texts are truncated. */
  maxTokens: number;
}

export type ToEmbeddingWorker = { type: 'embed'; id: number; texts: string[] } | { type: 'dispose' };

export type FromEmbeddingWorker =
  | { type: 'ready'; dimensions: number }
  | { type: 'load-error'; message: string }
  | { type: 'vectors'; id: number; dimensions: number; data: Float32Array }
  | { type: 'error'; id: number; message: string }
  | { type: 'disposed' };

function post(m: FromEmbeddingWorker, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(m, transfer);
}

async function main(init: EmbeddingWorkerInit): Promise<void> {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = init.localModelPath.endsWith('/') ? init.localModelPath : `${init.localModelPath}/`;
  env.logLevel = LogLevel.ERROR;
  let extractor: FeatureExtractionPipeline;
  let dimensions: number;
  try {
    extractor = await pipeline('feature-extraction', init.modelId, {
      dtype: init.dtype,
      device: 'cpu',
      session_options: { intraOpNumThreads: init.threads, interOpNumThreads: 1 },
    });
    // sentence-transformers truncates at max_seq_length (256 for MiniLM), not the tokenizer's 512.
    const tok = extractor.tokenizer as unknown as { _tokenizerConfig?: { model_max_length?: number } };
    if (tok._tokenizerConfig) tok._tokenizerConfig.model_max_length = init.maxTokens;
    dimensions = (await extractor('probe', { pooling: 'mean', normalize: true })).dims.at(-1)!;
  } catch (err) {
    post({ type: 'load-error', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  post({ type: 'ready', dimensions });

  let chain = Promise.resolve();
  parentPort!.on('message', (msg: ToEmbeddingWorker) => {
    chain = chain.then(async () => {
      if (msg.type === 'dispose') {
        await extractor.dispose().catch(() => undefined);
        post({ type: 'disposed' });
        parentPort!.close();
        return;
      }
      try {
        const out = await extractor(msg.texts, { pooling: 'mean', normalize: true });
        const data = new Float32Array(out.data as Float32Array);
        post({ type: 'vectors', id: msg.id, dimensions: out.dims.at(-1)!, data }, [data.buffer]);
      } catch (err) {
        post({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
      }
    });
  });
}

if (parentPort) void main(workerData as EmbeddingWorkerInit);
