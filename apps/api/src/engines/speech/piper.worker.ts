/**
 * The Piper worker thread: holds the voice's onnxruntime session and turns phoneme ids into float
 * samples. onnxruntime-node's `session.run` is synchronous on the calling thread (its promise is a
 * `setImmediate` around a blocking call; measured: 4 timer ticks in 2.5 s on the main thread), so
 * it runs here. Requests are answered in order, one at a time.
 *
 *   engine → worker   { type: 'run', id, ids, scales } | { type: 'dispose' }
 *   worker → engine   'ready' | 'load-error'; per request 'audio' | 'error'; 'disposed'
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

export interface PiperWorkerInit {
  modelPath: string;
  threads: number;
}

export type ToPiperWorker =
  { type: 'run'; id: number; ids: number[]; scales: [number, number, number] } | { type: 'dispose' };

export type FromPiperWorker =
  | { type: 'ready' }
  | { type: 'load-error'; message: string }
  | { type: 'audio'; id: number; samples: Float32Array }
  | { type: 'error'; id: number; message: string }
  | { type: 'disposed' };

function post(m: FromPiperWorker, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(m, transfer);
}

async function main(init: PiperWorkerInit): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(init.modelPath, {
      intraOpNumThreads: init.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    post({ type: 'load-error', message: (err as Error).message });
    return;
  }
  post({ type: 'ready' });
  parentPort!.on('message', (m: ToPiperWorker) => {
    if (m.type === 'dispose') {
      void session.release().finally(() => {
        post({ type: 'disposed' });
        parentPort!.close();
      });
      return;
    }
    void (async () => {
      try {
        const out = await session.run({
          input: new ort.Tensor('int64', BigInt64Array.from(m.ids.map(BigInt)), [1, m.ids.length]),
          input_lengths: new ort.Tensor('int64', BigInt64Array.from([BigInt(m.ids.length)]), [1]),
          scales: new ort.Tensor('float32', Float32Array.from(m.scales), [3]),
        });
        const first = out[session.outputNames[0]!];
        if (!first) throw new Error('no output');
        const samples = Float32Array.from(first.data as Float32Array);
        post({ type: 'audio', id: m.id, samples }, [samples.buffer]);
      } catch (err) {
        post({ type: 'error', id: m.id, message: (err as Error).message });
      }
    })();
  });
}

void main(workerData as PiperWorkerInit);
