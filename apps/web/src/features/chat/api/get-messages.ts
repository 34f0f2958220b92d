/**
 * `GET /api/chats/:chatId/messages`: a page of messages, oldest first. Without a cursor the newest
 * `limit`; `before` pages towards older ones (infinite scroll up), `after` towards newer ones
 * (catching up after a reconnect).
 */
import { messagesPageSchema, type MessagesPage } from '@medichat/shared';
import { api } from '@/lib/api-client';

export const MESSAGE_PAGE_SIZE = 30;

export function getMessages(
  chatId: string,
  query: { before?: string; after?: string; limit?: number } = {},
  signal?: AbortSignal,
): Promise<MessagesPage> {
  return api.get(
    `/api/chats/${encodeURIComponent(chatId)}/messages`,
    { query: { before: query.before, after: query.after, limit: query.limit ?? MESSAGE_PAGE_SIZE }, signal },
    messagesPageSchema,
  );
}
