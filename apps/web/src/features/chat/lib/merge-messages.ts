import type { Message } from '@medichat/shared';

/** Statuses a message does not leave (except by a retry, which the WebSocket announces). */
export const TERMINAL: ReadonlySet<Message['status']> = new Set<Message['status']>(['complete', 'failed', 'stopped']);

/** Oldest first; ids (UUIDv7) break ties in creation order. */
export function byCreated(a: Message, b: Message): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Merge `incoming` into `current` by id, oldest first. Without `force` (pages fetched over HTTP) a
 * message that has ended is never replaced by an older, unfinished copy of itself, nor a reply
 * streaming here by the empty text the server stores until the reply ends.
 */
export function mergeMessages(current: Message[], incoming: Message[], options: { force?: boolean } = {}): Message[] {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) {
    const existing = byId.get(m.id);
    if (existing && !options.force) {
      const existingDone = TERMINAL.has(existing.status);
      const incomingDone = TERMINAL.has(m.status);
      if (existingDone && !incomingDone) continue;
      if (!existingDone && !incomingDone) continue;
      if (existingDone && incomingDone && existing.updatedAt > m.updatedAt) continue;
    }
    byId.set(m.id, m);
  }
  return [...byId.values()].sort(byCreated);
}
