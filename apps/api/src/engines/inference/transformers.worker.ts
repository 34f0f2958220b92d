/**
 * The transformers.js worker: one worker thread per loaded ONNX model (see `transformers.engine.ts`).
 * Tokenization, the chat template, onnxruntime and sampling all run here, so the API's event loop
 * never waits on them. The worker runs one generation at a time; the engine queues the rest.
 *
 * Protocol (messages are plain objects, see the types below):
 *   engine → worker   `generate` (one at a time), `dispose`
 *   worker → engine   `progress`… then `ready` | `load-error`; per generation `token`… then `done` | `error`
 * Abort is a shared flag (an Int32 in a SharedArrayBuffer) the engine sets and a stopping criterion
 * reads between tokens: it works even while this thread is busy inside onnxruntime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  BaseStreamer,
  env,
  LogLevel,
  random,
  StoppingCriteria,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type ProgressInfo,
  type Tensor,
} from '@huggingface/transformers';
import type { ChatTurn, GenerateResult } from './port.js';

export type OnnxDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';
export type OnnxDevice = 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'coreml' | 'auto';

export interface WorkerInit {
  /** Model id below `localModelPath` (a directory name), or a Hub repo id when remote models are allowed. */
  modelId: string;
  localModelPath: string;
  allowRemoteModels: boolean;
  remoteHost?: string;
  cacheDir?: string;
  dtype: OnnxDtype;
  device: OnnxDevice;
  threads?: number;
  modelFileName?: string;
  /** Int32Array(1) over a SharedArrayBuffer: 1 = stop the current generation. */
  abort: SharedArrayBuffer;
}

export interface WorkerGenerate {
  type: 'generate';
  id: number;
  messages: ChatTurn[];
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
}

export type ToWorker = WorkerGenerate | { type: 'dispose' };

export type FromWorker =
  | { type: 'progress'; info: ProgressInfo }
  | { type: 'ready'; eosTokenIds: number[]; maxPositionEmbeddings?: number }
  | { type: 'load-error'; message: string; stack?: string }
  | { type: 'token'; id: number; text: string }
  | {
      type: 'done';
      id: number;
      text: string;
      finishReason: GenerateResult['finishReason'];
      promptTokens: number;
      completionTokens: number;
    }
  | { type: 'error'; id: number; message: string; stack?: string }
  | { type: 'disposed' };

/**
 * Streams the reply as text: decodes the generated ids so far and emits what is new, holding back
 * an incomplete UTF-8 sequence (trailing U+FFFD) and any tail that could be the start of a stop
 * string. A stop string ends the reply before it; the emitted pieces concatenate to the reply.
 */
class ReplyStreamer extends BaseStreamer {
  readonly ids: bigint[] = [];
  text = '';
  stopHit = false;
  private promptSeen = false;
  private readonly maxStop: number;

  constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly stop: string[],
    private readonly emit: (text: string) => void,
  ) {
    super();
    this.maxStop = Math.max(0, ...stop.map((s) => s.length));
  }

  override put(value: bigint[][]): void {
    if (!this.promptSeen) {
      this.promptSeen = true; // generate() passes the prompt first
      return;
    }
    if (this.stopHit) return;
    for (const id of value[0] ?? []) this.ids.push(id);
    this.flush(false);
  }

  override end(): void {
    if (!this.stopHit) this.flush(true);
  }

  private flush(final: boolean): void {
    const decoded = this.tokenizer.decode(this.ids, { skip_special_tokens: true });
    const sent = this.text.length;
    if (this.stop.length > 0) {
      const from = Math.max(0, sent - this.maxStop + 1);
      let at = -1;
      for (const s of this.stop) {
        const i = decoded.indexOf(s, from);
        if (i >= 0 && (at < 0 || i < at)) at = i;
      }
      if (at >= 0) {
        this.stopHit = true;
        this.push(decoded.slice(sent, Math.max(sent, at)));
        return;
      }
    }
    let end = decoded.length;
    if (!final) {
      while (end > sent && decoded.charCodeAt(end - 1) === 0xfffd) end--;
      end -= this.heldForStop(decoded.slice(0, end));
    }
    if (end > sent) this.push(decoded.slice(sent, end));
  }

  /** Length of the longest suffix of `text` that is a proper prefix of a stop string. */
  private heldForStop(text: string): number {
    let held = 0;
    for (const s of this.stop) {
      for (let n = Math.min(s.length - 1, text.length); n > held; n--) {
        if (text.endsWith(s.slice(0, n))) {
          held = n;
          break;
        }
      }
    }
    return held;
  }

  private push(piece: string): void {
    if (piece.length === 0) return;
    this.text += piece;
    this.emit(piece);
  }
}

class FlagStoppingCriteria extends StoppingCriteria {
  constructor(private readonly shouldStop: () => boolean) {
    super();
  }

  override _call(inputIds: number[][]): boolean[] {
    const stop = this.shouldStop();
    return inputIds.map(() => stop);
  }
}

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

function errorMessage(err: unknown): { message: string; stack?: string } {
  return err instanceof Error ? { message: err.message, stack: err.stack } : { message: String(err) };
}

async function main(init: WorkerInit): Promise<void> {
  env.allowLocalModels = true;
  env.localModelPath = init.localModelPath.endsWith('/') ? init.localModelPath : `${init.localModelPath}/`;
  env.allowRemoteModels = init.allowRemoteModels;
  if (init.remoteHost) env.remoteHost = init.remoteHost;
  if (init.cacheDir) env.cacheDir = init.cacheDir;
  env.logLevel = LogLevel.ERROR;
  const abort = new Int32Array(init.abort);
  const progress_callback = (info: ProgressInfo) => post({ type: 'progress', info });

  let tokenizer: PreTrainedTokenizer;
  let model: PreTrainedModel;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(init.modelId, { progress_callback });
    model = await AutoModelForCausalLM.from_pretrained(init.modelId, {
      dtype: init.dtype,
      device: init.device,
      progress_callback,
      ...(init.modelFileName ? { model_file_name: init.modelFileName } : {}),
      session_options: init.threads ? { intraOpNumThreads: init.threads, interOpNumThreads: 1 } : {},
    });
  } catch (err) {
    post({ type: 'load-error', ...errorMessage(err) });
    return;
  }
  const config = model.config as unknown as { eos_token_id?: number | number[]; max_position_embeddings?: number };
  const genConfig = (model as unknown as { generation_config?: { eos_token_id?: number | number[] | null } })
    .generation_config;
  const eos = genConfig?.eos_token_id ?? config.eos_token_id;
  const eosTokenIds = eos == null ? [] : Array.isArray(eos) ? eos : [eos];
  post({ type: 'ready', eosTokenIds, maxPositionEmbeddings: config.max_position_embeddings });

  const encode = (messages: ChatTurn[]) => {
    try {
      return tokenizer.apply_chat_template(messages, {
        add_generation_prompt: true,
        tokenize: true,
        return_tensor: true,
        return_dict: true,
      }) as unknown as { input_ids: Tensor; attention_mask: Tensor };
    } catch (err) {
      // A tokenizer without a chat template: a plain transcript that ends with the assistant's turn.
      if (!/chat.?template/i.test(String(err))) throw err;
      const text = messages.map((m) => `${m.role}: ${m.content}`).join('\n') + '\nassistant:';
      return tokenizer(text) as unknown as { input_ids: Tensor; attention_mask: Tensor };
    }
  };

  const generate = async (req: WorkerGenerate): Promise<void> => {
    const streamer = new ReplyStreamer(
      tokenizer,
      (req.stop ?? []).filter((s) => s.length > 0),
      (text) => post({ type: 'token', id: req.id, text }),
    );
    const aborted = () => Atomics.load(abort, 0) === 1;
    const inputs = encode(req.messages);
    const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
    if (req.seed !== undefined) random.seed(req.seed);
    else random.seed();
    const options: Record<string, unknown> = {
      ...inputs,
      max_new_tokens: req.maxTokens,
      streamer,
      stopping_criteria: [new FlagStoppingCriteria(() => streamer.stopHit || aborted())],
    };
    if (req.temperature !== undefined) {
      options.do_sample = req.temperature > 0;
      if (req.temperature > 0) options.temperature = req.temperature;
    }
    if (req.topP !== undefined) options.top_p = req.topP;
    if (!aborted()) await model.generate(options);
    const last = streamer.ids.at(-1);
    const finishReason: GenerateResult['finishReason'] = aborted()
      ? 'aborted'
      : streamer.stopHit || (last !== undefined && eosTokenIds.includes(Number(last)))
        ? 'stop'
        : 'length';
    post({
      type: 'done',
      id: req.id,
      text: streamer.text,
      finishReason,
      promptTokens,
      completionTokens: streamer.ids.length,
    });
  };

  // One message at a time: a generation runs to its end before the next message is looked at.
  let chain = Promise.resolve();
  parentPort!.on('message', (msg: ToWorker) => {
    chain = chain.then(async () => {
      if (msg.type === 'generate') {
        try {
          await generate(msg);
        } catch (err) {
          post({ type: 'error', id: msg.id, ...errorMessage(err) });
        }
      } else if (msg.type === 'dispose') {
        await model.dispose().catch(() => undefined);
        post({ type: 'disposed' });
        parentPort!.close();
      }
    });
  });
}

if (parentPort) void main(workerData as WorkerInit);
