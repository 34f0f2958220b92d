/**
 * Writing one assistant reply, as a stream: the triage block first (seq 0) when triage fired, then
 * (unless it was an emergency, where the block is the whole reply) the model's tokens, with load
 * progress events on the way. Job control (the registry of runs, abort, storing the outcome) is
 * `reply-generator.ts`'s; this file only produces text into the run it is given.
 */
import { ProblemType, type Card } from '@medichat/shared';
import type { ChatDoc, MessageDoc } from '../../engines/storage/collections.js';
import type { SafetyWarning } from '@medichat/shared';
import type { SensorReading } from '../assistant/index.js';
import type { KnowledgeService } from '../knowledge/knowledge.service.js';
import type { MedicationChecker, MedicationContext } from '../medication/index.js';
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
      /** Deterministic medication safety: the card, the conversation and the reply are checked. */
      medication?: Pick<MedicationChecker, 'check' | 'checkReply'>;
      /** Grounding: vetted entries retrieved into the prompt, cited on the reply. */
      knowledge?: Pick<KnowledgeService, 'retrieve' | 'formatForPrompt' | 'citations'>;
      historyMessages?: number;
      log?: { warn(obj: object, msg: string): void };
    },
  ) {}

  /** The warnings for this exchange; a checker failure never blocks a reply (it is logged). */
  private check(fn: () => SafetyWarning[]): SafetyWarning[] {
    try {
      return fn();
    } catch (err) {
      this.deps.log?.warn({ err }, 'medication check failed');
      return [];
    }
  }

  async produce(req: ReplyRequest, run: ReplyRun): Promise<ReplyResult> {
    const { sender, chat, user, assistant, triage, t0 } = req;
    if (triage.answer) run.append(triage.answer);
    const userId = sender.kind === 'user' ? sender.userId : undefined;
    const [history, card, readings] = await Promise.all([
      this.deps.messages.history(chat.id, { createdAt: user.createdAt, id: user.id }, this.deps.historyMessages ?? 40),
      userId ? this.deps.cardFor(userId).catch(() => null) : null,
      userId && this.deps.readingsFor ? this.deps.readingsFor(userId).catch(() => []) : [],
    ]);
    // Medication safety from the card (when shared) and everything the person said in this chat.
    const bp = readings.find((r) => r.type === 'blood_pressure' && typeof r.value === 'number');
    const medContext: MedicationContext = {
      card,
      // The latest blood pressure (shared with consent): a high one makes `hypertension` a condition.
      readings: bp ? { systolic: bp.value as number, diastolic: bp.diastolic ?? null } : null,
      messages: [...history.filter((h) => h.role === 'user' && h.id !== user.id).map((h) => h.content), user.content],
    };
    const checker = this.deps.medication;
    let safety = checker ? this.check(() => checker.check(medContext)) : [];
    if (safety.length) run.annotate({ safety });
    // Emergency: the deterministic answer is the whole reply, at once; no model can dilute it.
    if (triage.level === 'emergency') return { timings: timings(t0, 0, null, 0) };
    const model = await this.deps.models.resolveFor(sender);
    if (!model) return { error: ProblemType.modelUnavailable };
    run.useModel(model);
    const hits = this.deps.knowledge
      ? await this.deps.knowledge
          .retrieve(user.content, { language: triage.language })
          .catch((err: unknown) => (this.deps.log?.warn({ err }, 'knowledge retrieval failed'), []))
      : [];
    if (hits.length) run.annotate({ citations: this.deps.knowledge!.citations(hits) });
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
      grounding: hits.length ? this.deps.knowledge!.formatForPrompt(hits) : null,
      safetyNote: safety.length ? safetyNote(safety) : null,
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
      onQueued: (q) =>
        run.publish({
          type: 'reply.queued',
          messageId: assistant.id,
          position: q.position,
          ahead: q.ahead,
          etaMs: q.etaMs === undefined ? null : Math.round(q.etaMs),
        }),
      onToken: (text) => {
        run.append(separator + text);
        separator = '';
      },
    });
    // The reply itself: a drug it recommends that the card or conversation rules out gets the warning too.
    if (checker) {
      const more = this.check(() => checker.checkReply(result.text, medContext));
      const seen = new Set(safety.map((w) => w.id));
      const added = more.filter((w) => !seen.has(w.id));
      if (added.length) {
        safety = [...safety, ...added];
        run.annotate({ safety });
      }
    }
    if (result.truncated) run.annotate({ truncated: true });
    return {
      model,
      timings: timings(t0, result.queueMs, result.timeToFirstTokenMs ?? null, result.completionTokens ?? 0),
      aborted: result.finishReason === 'aborted',
    };
  }
}

/** What the model is told about the warnings already shown (so it does not contradict them). */
/** What the model is told of the warnings already shown above its reply (the chat and the eval use it). */
export function safetyNote(warnings: SafetyWarning[]): string {
  return [
    'Medication safety warnings are already shown to the person above your reply. Do not recommend these medicines, and do not say they are fine; suggest asking a pharmacist or doctor:',
    ...warnings.slice(0, 5).map((w) => `- ${w.what}: ${w.why}`),
  ].join('\n');
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
