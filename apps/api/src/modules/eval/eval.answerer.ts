/**
 * What the eval runs against: an `Answerer`, any pipeline that turns a patient message (with
 * history and card) into the reply the person would see. `createPipelineAnswerer` builds one from
 * the app's real pieces, composed the way the message service composes a chat reply:
 *
 *   triage (deterministic) → emergency: the block is the whole reply
 *                          → urgent: the block, a blank line, then the model's text
 *                          → none: the model's text
 *
 * with the AssistantService (prompt, context, repeat penalty) on a ModelManager lease. The
 * medication checker and retrieval come in as optional hooks, so wiring each is one line:
 *   createPipelineAnswerer({ ..., checkSafety: (a) => checker.check(a), retrieve: (q) => kb.search(q) })
 */
import type { Card } from '@medichat/shared';
import type { MessageDoc, ModelDoc } from '../../engines/storage/collections.js';
import type { AssistantService, ReplyInput } from '../assistant/assistant.service.js';
import type { Triage } from '../triage/triage.service.js';

export interface AnswerInput {
  message: string;
  /** Earlier turns, oldest first. */
  history?: Array<{ role: 'user' | 'assistant'; content: string }>;
  /** The shared card (consent given), or none. */
  card?: Card | null;
}

export interface Answer {
  /** The whole reply as the person sees it. */
  content: string;
  triageLevel: 'emergency' | 'urgent' | null;
  /** Structured safety warnings on the reply (the medication checker's). */
  safety?: unknown[];
  /** Sources the reply cites (retrieval). */
  citations?: unknown[];
  finishReason: 'stop' | 'length' | 'aborted';
  /** Tokens the model generated (0 when it did not run). */
  tokens: number;
  /** Wall time of the whole answer. */
  ms: number;
}

export type Answerer = (input: AnswerInput) => Promise<Answer>;

/** What retrieval gives a reply: its citations and what it adds to the assistant's input. */
export interface Retrieved {
  citations: unknown[];
  /** Extra fields for AssistantService.reply (e.g. the retrieved entries once it takes them). */
  reply?: Partial<ReplyInput>;
}

export interface PipelineAnswererDeps {
  triage: Triage;
  assistant: Pick<AssistantService, 'reply'>;
  model: ModelDoc;
  now?: () => Date;
  /** The medication checker: warnings for this exchange, given the model's reply too. */
  checkSafety?: (input: AnswerInput & { reply: string }) => unknown[] | Promise<unknown[]>;
  /** Retrieval of grounding entries for the message. */
  retrieve?: (input: AnswerInput) => Retrieved | Promise<Retrieved>;
}

const asMessage = (role: 'user' | 'assistant', content: string, i: number, at: Date): MessageDoc => ({
  id: `eval-${i}`,
  chatId: 'eval',
  role,
  content,
  status: 'complete',
  createdAt: new Date(at.getTime() + i),
});

export function createPipelineAnswerer(deps: PipelineAnswererDeps): Answerer {
  const now = deps.now ?? (() => new Date());
  return async (input) => {
    const t0 = performance.now();
    const triage = deps.triage.assess(input.message);
    const block = triage.answer ?? '';
    const done = async (text: string, finishReason: Answer['finishReason'], tokens: number, citations?: unknown[]) => {
      const content = block && text ? `${block}\n\n${text}` : block || text;
      const safety = deps.checkSafety ? await deps.checkSafety({ ...input, reply: content }) : undefined;
      return {
        content,
        triageLevel: triage.level,
        ...(safety ? { safety } : {}),
        ...(citations ? { citations } : {}),
        finishReason,
        tokens,
        ms: performance.now() - t0,
      };
    };
    // Emergency: the deterministic answer is the whole reply (as in the chat); no model runs.
    if (triage.level === 'emergency') return done('', 'stop', 0);

    const retrieved = deps.retrieve ? await deps.retrieve(input) : undefined;
    const at = now();
    const history = (input.history ?? []).map((h, i) => asMessage(h.role, h.content, i, at));
    const result = await deps.assistant.reply({
      model: deps.model,
      history,
      message: asMessage('user', input.message, history.length, at),
      card: input.card ?? null,
      readings: [],
      urgent: triage.level === 'urgent',
      signal: new AbortController().signal,
      onToken: () => {},
      onProgress: () => {},
      ...retrieved?.reply,
    });
    return done(result.text.trim(), result.finishReason, result.completionTokens ?? 0, retrieved?.citations);
  };
}
