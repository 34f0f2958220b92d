/**
 * The assistant's side of an exchange: build the prompt (system prompt, consented context,
 * trimmed history) and run the model through the ModelManager lease, streaming its text.
 */
import type { Card } from '@medichat/shared';
import type { MessageDoc, ModelDoc } from '../../engines/storage/collections.js';
import type { ModelManager } from '../../engines/inference/model-manager.js';
import type { ChatTurn, GenerateResult, LoadProgress, QueueInfo } from '../../engines/inference/port.js';
import { stripTriageBlock } from '../triage/triage.service.js';
import { descriptorOf } from '../models/model.service.js';
import { buildPrompt, describeContext, type SensorReading } from './assistant.prompt.js';
import { ReplyGuard } from './reply-guard.js';

/** Answers are short: past this many words a reply ends at its next full sentence. */
export const DEFAULT_SOFT_LIMIT_WORDS = 180;

/** Repeat penalty for replies (llama.cpp's own default when enabled is 1.1). */
export const ASSISTANT_REPEAT_PENALTY = 1.1;

/**
 * Appended (and streamed) when a reply reaches the token cap, so a cut reply never passes for a
 * complete one; it is not fed back to the model with the history.
 */
export const CUT_NOTE =
  '\n\n*(This reply was cut off at the length limit. Say "continue" if you would like the rest.)*';

/** The urgent block of a stored reply is not fed back to the model (it would parrot it). */
const NOTICE = '(An urgent-care notice was shown to the person.)';

export function historyTurns(messages: MessageDoc[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const m of messages) {
    if (m.role === 'user') {
      turns.push({ role: 'user', content: m.content });
    } else if (m.role === 'assistant' && (m.status === 'complete' || m.status === 'stopped')) {
      const body = m.content.endsWith(CUT_NOTE) ? m.content.slice(0, -CUT_NOTE.length) : m.content;
      // The urgent block (in whichever language) is not fed back; the model's own part is.
      const text = m.triage ? stripTriageBlock(body) : body.trim();
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
  /**
   * Vetted knowledge-base entries for this question, numbered for citation ([1], [2]…), and the
   * medication warnings already attached to the reply: both go into the prompt; the first may be
   * quoted, the second tells the model what not to recommend. Neither is private context.
   */
  grounding?: string | null;
  safetyNote?: string | null;
  signal: AbortSignal;
  onToken: (text: string) => void;
  onProgress: (p: LoadProgress) => void;
  /** The generation waits for a free slot of the model: its place and an estimate (engines that queue). */
  onQueued?: (info: QueueInfo) => void;
  /** Called once the model is leased and the generation starts. */
  onStart?: () => void;
}

export interface ReplyResult extends GenerateResult {
  queueMs: number;
  /** The token cap cut the reply (CUT_NOTE was appended). */
  truncated: boolean;
  /** The guard stopped a looping reply. */
  loopStopped: boolean;
  /** Units the guard held back (recited context, repeats). */
  droppedUnits: number;
}

export class AssistantService {
  constructor(
    private readonly deps: {
      manager: Pick<ModelManager, 'acquire'>;
      maxReplyTokens: number;
      contextTokens: number;
      /** Words after which a reply ends at its next full sentence (short answers). Default 180. */
      softLimitWords?: number;
      /** Dropped repeats after which a looping reply is stopped (default 2; 0 = never stop). */
      maxRepeats?: number;
      now: () => Date;
      /** Sampling temperature (0 = greedy: the eval sets it so scores are reproducible). Default: the engine's. */
      temperature?: number;
    },
  ) {}

  /**
   * Generate the reply. What streams through `onToken` is the model's text after the reply guard
   * (no recited context, no loops; a looping reply is stopped and ends `stop`), plus CUT_NOTE when
   * the token cap cut it (`truncated`). The returned `text` is exactly what was streamed.
   */
  async reply(input: ReplyInput): Promise<ReplyResult> {
    const t0 = performance.now();
    const lease = await this.deps.manager.acquire(descriptorOf(input.model), input.onProgress, input.signal);
    try {
      const queueMs = performance.now() - t0;
      input.onStart?.();
      const context = describeContext(input.card, input.readings, this.deps.now());
      const messages = buildPrompt({
        history: [...historyTurns(input.history), { role: 'user', content: input.message.content }],
        context: [context, input.safetyNote, input.grounding].filter(Boolean).join('\n\n') || null,
        urgent: input.urgent,
        contextTokens: this.deps.contextTokens,
        replyTokens: this.deps.maxReplyTokens,
      });
      // The generation stops when the caller aborts, or when the guard finds the reply looping.
      const stop = new AbortController();
      const forward = () => stop.abort();
      if (input.signal.aborted) stop.abort();
      input.signal.addEventListener('abort', forward, { once: true });
      const guard = new ReplyGuard({
        context,
        emit: input.onToken,
        onLoop: () => stop.abort(),
        softLimitWords: this.deps.softLimitWords ?? DEFAULT_SOFT_LIMIT_WORDS,
        ...(this.deps.maxRepeats !== undefined ? { maxRepeats: this.deps.maxRepeats } : {}),
        onEnough: () => stop.abort(),
      });
      let result: GenerateResult;
      try {
        result = await lease.model.generate({
          messages,
          maxTokens: this.deps.maxReplyTokens,
          // Greedy decoding on a small model loops ("First, rest… Second, rest…"): damp repeats.
          repeatPenalty: ASSISTANT_REPEAT_PENALTY,
          ...(this.deps.temperature !== undefined ? { temperature: this.deps.temperature } : {}),
          signal: stop.signal,
          ...(input.onQueued ? { onQueued: input.onQueued } : {}),
          onToken: (text) => guard.push(text),
        });
      } finally {
        input.signal.removeEventListener('abort', forward);
      }
      guard.end();
      const looped = guard.looped && !input.signal.aborted;
      const finishReason = (looped || guard.enough) && !input.signal.aborted ? 'stop' : result.finishReason;
      const truncated = finishReason === 'length';
      if (truncated) input.onToken(CUT_NOTE);
      return {
        ...result,
        text: guard.text + (truncated ? CUT_NOTE : ''),
        finishReason,
        queueMs,
        truncated,
        loopStopped: looped,
        droppedUnits: guard.dropped.length,
      };
    } finally {
      lease.release();
    }
  }
}
