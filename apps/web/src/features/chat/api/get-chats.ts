/** `GET /api/chats`: the caller's chats, newest activity first, cursor-paginated. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { chatListSchema, type ChatList } from '@medichat/shared';
import { api } from '@/lib/api-client';
import { chatKeys } from './keys';

export const CHAT_PAGE_SIZE = 20;

export function getChats(query: { cursor?: string; limit?: number } = {}, signal?: AbortSignal): Promise<ChatList> {
  return api.get(
    '/api/chats',
    { query: { cursor: query.cursor, limit: query.limit ?? CHAT_PAGE_SIZE }, signal },
    chatListSchema,
  );
}

/** Pages of chats; `enabled` only when the caller has a token (a request without one would be a 401). */
export function useChats(owner: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: chatKeys.list(owner),
    queryFn: ({ pageParam, signal }) => getChats({ cursor: pageParam ?? undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}
