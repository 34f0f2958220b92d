/**
 * The assistant's side of an exchange: build the prompt (system prompt, consented context,
 * trimmed history) and run the model through the ModelManager lease, streaming its text.
 */
import type { Card } from '@medichat/shared';
import type { MessageDoc, ModelDoc } from '../../engines/storage/collections.js';
import type { ModelManager } from '../../engines/inference/model-manager.js';
import type { ChatTurn, GenerateResult, LoadProgress } from '../../engines/inference/port.js';
import { footer } from '../triage/triage.rules.js';
import { descriptorOf } from '../models/model.service.js';
import { buildPrompt, describeContext, type SensorReading } from './assistant.prompt.js';

/** Repeat penalty for replies (llama.cpp's own default when enabled is 1.1). */
export const ASSISTANT_REPEAT_PENALTY = 1.1;

/** The urgent block of a stored reply is not fed back to the model (it would parrot it). */
const NOTICE = '(An urgent-care notice was shown to the person.)';

export function historyTurns(messages: MessageDoc[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const m of messages) {
    if (m.role === 'user') {
      turns.push({ role: 'user', content: m.content });
    } else if (m.role === 'assistant' && (m.status === 'complete' || m.status === 'stopped')) {
      const at = m.triage ? m.content.indexOf(footer) : -1;
      const text = at >= 0 ? m.content.slice(at + footer.length).trim() : m.content.trim();
      turns.push({ role: 'assistant', content: text || (m.triage ? NOTICE : '') });
    }
  }
  // Drop empty turns (a reply stopped before its first token).
  return turns.filter((t) => t.content.length > 0);
}

export interface ReplyInput {
  model: ModelDoc;
  /** Earlier messages (oldest first) and the message to answer. */
  history: MessageDoc[];
  message: MessageDoc;
  card: Card | null;
  readings: SensorReading[];
  urgent: boolean;
  signal: AbortSignal;
  onToken: (text: string) => void;
  onProgress: (p: LoadProgress) => void;
  /** Called once the model is leased and the generation starts. */
  onStart?: () => void;
}

export class AssistantService {
  constructor(
    private readonly deps: {
      manager: Pick<ModelManager, 'acquire'>;
      maxReplyTokens: number;
      contextTokens: number;
      now: () => Date;
      /** Sampling temperature (0 = greedy: the eval sets it so scores are reproducible). Default: the engine's. */
      temperature?: number;
    },
  ) {}

  async reply(input: ReplyInput): Promise<GenerateResult & { queueMs: number }> {
    const t0 = performance.now();
    const lease = await this.deps.manager.acquire(descriptorOf(input.model), input.onProgress, input.signal);
    try {
      const queueMs = performance.now() - t0;
      input.onStart?.();
      const messages = buildPrompt({
        history: [...historyTurns(input.history), { role: 'user', content: input.message.content }],
        context: describeContext(input.card, input.readings, this.deps.now()),
        urgent: input.urgent,
        contextTokens: this.deps.contextTokens,
        replyTokens: this.deps.maxReplyTokens,
      });
      const result = await lease.model.generate({
        messages,
        maxTokens: this.deps.maxReplyTokens,
        // Greedy decoding on a small model loops ("First, rest… Second, rest…"): damp repeats.
        repeatPenalty: ASSISTANT_REPEAT_PENALTY,
        ...(this.deps.temperature !== undefined ? { temperature: this.deps.temperature } : {}),
        signal: input.signal,
        onToken: input.onToken,
      });
      return { ...result, queueMs };
    } finally {
      lease.release();
    }
  }
}
