import { useEffect, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Chat } from '@medichat/shared';
import { useChats } from '../api/get-chats';
import { chatKeys } from '../api/keys';
import { cacheChats, cachedChats } from '../lib/offline-store';

export interface ChatListItem extends Chat {
  /** Made on this device and not on the server yet. */
  local: boolean;
}

export interface ChatListView {
  items: ChatListItem[];
  /** Ids the server listed: their history can be fetched. */
  serverIds: Set<string>;
  isLoading: boolean;
  /** The server could not be reached: the list is what this device remembers. */
  fromCache: boolean;
  hasMore: boolean;
  isFetchingMore: boolean;
  loadMore: () => void;
}

/**
 * The chat list: the server's pages (newest activity first) and, beside them, what this device
 * remembers (chats made offline, and everything when the server cannot be reached).
 */
export function useChatList(owner: string, enabled: boolean, online: boolean): ChatListView {
  const server = useChats(owner, enabled && online);
  const cached = useQuery({
    queryKey: [...chatKeys.list(owner), 'cached'],
    queryFn: () => cachedChats(owner),
    networkMode: 'always',
    staleTime: 0,
  });

  const serverChats = useMemo(() => server.data?.pages.flatMap((p) => p.items) ?? [], [server.data]);

  // Remember what the server listed, for reading offline.
  useEffect(() => {
    if (serverChats.length > 0) void cacheChats(owner, serverChats);
  }, [owner, serverChats]);

  return useMemo(() => {
    const serverIds = new Set(serverChats.map((c) => c.id));
    const fromCache = !server.data;
    const items: ChatListItem[] = serverChats.map((c) => ({ ...c, local: false }));
    for (const c of cached.data ?? []) {
      if (serverIds.has(c.id)) continue;
      // Once the server answered, a remembered chat it did not list is either local or on a later page.
      if (!fromCache && !c.local) continue;
      items.push({
        id: c.id,
        title: c.title,
        modelId: c.modelId,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        local: c.local,
      });
    }
    items.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
    return {
      items,
      serverIds,
      isLoading: (server.isLoading && enabled && online) || cached.isLoading,
      fromCache,
      hasMore: Boolean(server.hasNextPage),
      isFetchingMore: server.isFetchingNextPage,
      loadMore: () => void server.fetchNextPage(),
    };
  }, [serverChats, server, cached.data, cached.isLoading, enabled, online]);
}
