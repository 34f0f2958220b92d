/**
 * The inference port. Engines: node-llama-cpp (GGUF, in-process but off the event loop),
 * transformers.js (ONNX, off the event loop), OpenAI-compatible servers (TGI, vLLM, llama.cpp
 * server, Ollama) and the Hugging Face Inference API. The model manager keeps an LRU of loaded
 * models under a memory budget and hot-swaps without interrupting generations in flight.
 */

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateParams {
  messages: ChatTurn[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /**
   * Penalise tokens repeated within the recent window (>1 discourages repetition; engines that
   * have no such knob ignore it). Small models loop without it.
   */
  repeatPenalty?: number;
  stop?: string[];
  /** Aborting stops generation; what was generated so far is kept and returned. */
  signal?: AbortSignal;
  /** Called for each piece of text as it is generated, in order. */
  onToken?: (text: string) => void;
  /**
   * Engines with a bounded number of generation slots (node-llama-cpp) queue a generation when
   * every slot is busy: this is then called when it starts waiting, whenever its place in the
   * queue changes (or its estimate moves markedly), and once with `{ position: 0, etaMs: 0 }` when
   * it gets its slot. Never called for a generation that did not wait.
   */
  onQueued?: (info: QueueInfo) => void;
}

/** Where a waiting generation stands. */
export interface QueueInfo {
  /** Place in the queue: 1 = next to get a slot; 0 = it has its slot and is starting now. */
  position: number;
  /** Generations ahead of it: those in the queue before it and those running. */
  ahead: number;
  /**
   * Estimated ms until it starts, from the tokens/s measured on this model recently and the tokens
   * left to generate by everything ahead of it. Absent until the model has measured a rate.
   */
  etaMs?: number;
}

export interface GenerateResult {
  text: string;
  finishReason: 'stop' | 'length' | 'aborted';
  promptTokens?: number;
  completionTokens?: number;
  /** ms from the call to the first token (queue wait included), and in all. */
  timeToFirstTokenMs?: number;
  /** ms spent waiting for a generation slot (engines that queue; 0 when a slot was free). */
  queueMs?: number;
  totalMs: number;
}

export interface LoadProgress {
  /** 0..1 */
  progress: number;
  phase: 'download' | 'load' | 'ready';
  message?: string;
}

/** A model loaded and ready to generate. */
export interface LoadedModel {
  readonly id: string;
  /** Bytes of memory this model holds (estimate), for the LRU budget. */
  readonly memoryBytes: number;
  generate(params: GenerateParams): Promise<GenerateResult>;
  /** Release native memory. Called by the manager only when no generation is in flight. */
  dispose(): Promise<void>;
}

export interface ModelDescriptor {
  id: string;
  name: string;
  engine: 'llama-cpp' | 'transformers' | 'openai' | 'hf-inference';
  /** GGUF file, ONNX model directory, or remote model id. */
  path: string;
  /** Remote engines: base URL and API key (never logged). */
  baseUrl?: string;
  apiKey?: string;
}

export interface InferenceEngine {
  readonly name: ModelDescriptor['engine'];
  load(model: ModelDescriptor, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel>;
  close(): Promise<void>;
}
