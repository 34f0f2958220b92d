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
}

export interface GenerateResult {
  text: string;
  finishReason: 'stop' | 'length' | 'aborted';
  promptTokens?: number;
  completionTokens?: number;
  /** ms from the call to the first token, and in all. */
  timeToFirstTokenMs?: number;
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
