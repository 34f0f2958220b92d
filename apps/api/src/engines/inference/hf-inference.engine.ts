/**
 * The Hugging Face Inference API engine. The HF router (`https://router.huggingface.co`) serves
 * chat completions in the OpenAI format (`POST /v1/chat/completions`, the Hub model id as `model`,
 * optionally `model:provider` — e.g. `:fastest`, `:cheapest`, `:together` — and the HF token as a
 * bearer token), and so do dedicated Inference Endpoints (TGI) under their own URL. So this is the
 * OpenAI engine with HF defaults: endpoint from `HF_ENDPOINT`, token from `HF_TOKEN`.
 */
import {
  ModelUnavailableError,
  OpenAIEngine,
  type OpenAIEngineOptions,
  type OpenAITarget,
  type VerifyModel,
} from './openai.engine.js';
import type { ModelDescriptor } from './port.js';

export const HF_ROUTER_URL = 'https://router.huggingface.co';

export interface HfInferenceEngineOptions extends Omit<OpenAIEngineOptions, 'baseUrl' | 'apiKey' | 'verifyModel'> {
  /** Default `$HF_ENDPOINT`, else the HF router. A descriptor's `baseUrl` wins over both. */
  endpoint?: string;
  /** Default `$HF_TOKEN` (or `$HUGGING_FACE_HUB_TOKEN`). A descriptor's `apiKey` wins. Never logged. */
  token?: string;
  /** Inference provider appended to model ids that name none (`model:provider`). Default: the router's choice. */
  provider?: string;
  /**
   * What `load()` checks with `GET /v1/models`. Default `reachable` (the endpoint answers and takes
   * the token): the router's list covers only models some provider serves right now.
   */
  verifyModel?: VerifyModel;
  /** Where `HF_ENDPOINT` / `HF_TOKEN` are read from. Default none: the app passes `token` from config. */
  env?: Record<string, string | undefined>;
}

export class HfInferenceEngine extends OpenAIEngine {
  override readonly name = 'hf-inference' as const;
  /** The endpoint used for descriptors without a `baseUrl`. */
  readonly endpoint: string;
  private readonly provider?: string;
  private readonly hasToken: boolean;

  constructor(options: HfInferenceEngineOptions = {}) {
    const env = options.env ?? {};
    const { endpoint, token, provider, verifyModel, env: _env, ...rest } = options;
    const base = endpoint ?? env.HF_ENDPOINT ?? HF_ROUTER_URL;
    const key = token ?? env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
    super({ ...rest, baseUrl: base, apiKey: key || undefined, verifyModel: verifyModel ?? 'reachable' });
    this.endpoint = base;
    this.provider = provider;
    this.hasToken = Boolean(key);
  }

  protected override target(model: ModelDescriptor): OpenAITarget {
    const t = super.target(model);
    if (!t.apiKey && !this.hasToken && t.baseUrl === HF_ROUTER_URL)
      throw new ModelUnavailableError(`model ${model.id}: the HF router needs a token (set HF_TOKEN)`, {
        code: 'unauthorized',
        retryable: false,
      });
    return t;
  }

  protected override remoteModelName(model: ModelDescriptor): string {
    return this.provider && !model.path.includes(':') ? `${model.path}:${this.provider}` : model.path;
  }

  protected override listed(ids: string[], model: ModelDescriptor): boolean {
    const bare = model.path.split(':')[0]!;
    return ids.includes(model.path) || ids.includes(bare);
  }
}
