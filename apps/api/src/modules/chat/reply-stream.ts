/**
 * Writing one assistant reply, as a stream: the triage block first (seq 0) when triage fired, then
 * (unless it was an emergency, where the block is the whole reply) the model's tokens, with load
 * progress events on the way. Job control (the registry of runs, abort, storing the outcome) is
 * `reply-generator.ts`'s; this file only produces text into the run it is given.
 */
import { ProblemType, type Card } from '@medichat/shared';
import type { ChatDoc, MessageDoc } from '../../engines/storage/collections.js';
import type { SensorReading } from '../assistant/index.js';
import type { AssistantService } from '../assistant/assistant.service.js';
import type { ModelService } from '../models/model.service.js';
import type { TriageResult } from '../triage/triage.service.js';
import type { MessageRepository } from './message.repository.js';
import type { ReplyResult, ReplyRun } from './reply-generator.js';
import type { Sender } from './message.service.js';

export interface ReplyRequest {
  sender: Sender;
  chat: ChatDoc;
  /** The user message being answered. */
  user: MessageDoc;
  /** The assistant message being written. */
  assistant: MessageDoc;
  triage: TriageResult;
  /** `performance.now()` when the exchange started (for `totalMs`). */
  t0: number;
}

export class ReplyStreamer {
  constructor(
    private readonly deps: {
      messages: Pick<MessageRepository, 'history' | 'update'>;
      assistant: Pick<AssistantService, 'reply'>;
      models: Pick<ModelService, 'resolveFor'>;
      /** The card when its owner consented to sharing it with the assistant, else null. */
      cardFor: (userId: string) => Promise<Card | null>;
      readingsFor?: (userId: string) => Promise<SensorReading[]>;
      historyMessages?: number;
    },
  ) {}

  async produce(req: ReplyRequest, run: ReplyRun): Promise<ReplyResult> {
    const { sender, chat, user, assistant, triage, t0 } = req;
    if (triage.answer) run.append(triage.answer);
    // Emergency: the deterministic answer is the whole reply, at once; no model can dilute it.
    if (triage.level === 'emergency') return { timings: timings(t0, 0, null, 0) };
    const model = await this.deps.models.resolveFor(sender);
    if (!model) return { error: ProblemType.modelUnavailable };
    run.useModel(model);
    const userId = sender.kind === 'user' ? sender.userId : undefined;
    const [history, card, readings] = await Promise.all([
      this.deps.messages.history(chat.id, { createdAt: user.createdAt, id: user.id }, this.deps.historyMessages ?? 40),
      userId ? this.deps.cardFor(userId).catch(() => null) : null,
      userId && this.deps.readingsFor ? this.deps.readingsFor(userId).catch(() => []) : [],
    ]);
    let separator = triage.answer ? '\n\n' : '';
    // Load progress: every phase change, and steps of at least 5 %.
    let lastProgress: { phase: string; progress: number } | null = null;
    const result = await this.deps.assistant.reply({
      model,
      history: history.filter((h) => h.id !== assistant.id),
      message: user,
      card,
      readings,
      urgent: triage.level === 'urgent',
      signal: run.signal,
      onStart: () => {
        void this.deps.messages
          .update(assistant.id, { set: { status: 'streaming' } }, { status: 'pending' })
          .catch(() => undefined);
      },
      onProgress: (p) => {
        if (
          lastProgress &&
          lastProgress.phase === p.phase &&
          p.progress - lastProgress.progress < 0.05 &&
          p.progress < 1
        )
          return;
        lastProgress = p;
        run.publish({
          type: 'model.progress',
          messageId: assistant.id,
          model: model.name,
          phase: p.phase,
          progress: Math.round(p.progress * 1000) / 1000,
        });
      },
      onToken: (text) => {
        run.append(separator + text);
        separator = '';
      },
    });
    return {
      model,
      timings: timings(t0, result.queueMs, result.timeToFirstTokenMs ?? null, result.completionTokens ?? 0),
      aborted: result.finishReason === 'aborted',
    };
  }
}

function timings(t0: number, queueMs: number, ttftMs: number | null, tokens: number): MessageDoc['timings'] {
  const t: Record<string, number> = {
    queueMs: Math.round(queueMs),
    totalMs: Math.round(performance.now() - t0),
    tokens,
  };
  if (ttftMs !== null) t.ttftMs = Math.round(ttftMs);
  return t;
}
