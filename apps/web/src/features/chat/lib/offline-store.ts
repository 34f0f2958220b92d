/**
 * The chat's offline memory, in IndexedDB (`idb`):
 *
 * - `outbox`: messages typed but not yet stored by the server, each with its `clientId` (the
 *   server's idempotency key, so a message sent twice is stored once). They survive reloads and
 *   are sent in order when the server can be reached.
 * - `chats` and `messages`: the last pages seen, so a chat can be read offline. `local` marks a
 *   chat made on this device that the server has not seen yet (its id is client-made; the server
 *   creates it under that id on the first sync).
 *
 * Everything is scoped by `owner` ("guest" or "user:<id>"): one device, several people. When
 * IndexedDB is unavailable (some private modes) every call degrades to a no-op and the chat still
 * works online.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Chat, Message } from '@medichat/shared';

export interface OutboxEntry {
  clientId: string;
  chatId: string;
  owner: string;
  content: string;
  /** ISO time it was typed (orders the queue). */
  createdAt: string;
  /** Set when the server refused it for good (validation, clientId reuse): it is not retried. */
  error: { type: string; detail: string } | null;
}

export interface CachedChat extends Chat {
  owner: string;
  /** Made on this device and not yet created on the server. */
  local: boolean;
}

interface ChatDbSchema extends DBSchema {
  chats: { key: string; value: CachedChat; indexes: { byOwner: string } };
  messages: { key: string; value: Message; indexes: { byChat: [string, string] } };
  outbox: { key: string; value: OutboxEntry; indexes: { byChat: string; byOwner: string } };
}

const DB_NAME = 'medichat-chat';
/** Messages kept per chat for offline reading (the newest). */
const CACHED_MESSAGES_PER_CHAT = 200;

let dbPromise: Promise<IDBPDatabase<ChatDbSchema> | null> | null = null;

function db(): Promise<IDBPDatabase<ChatDbSchema> | null> {
  if (!dbPromise) {
    dbPromise =
      typeof indexedDB === 'undefined'
        ? Promise.resolve(null)
        : openDB<ChatDbSchema>(DB_NAME, 1, {
            upgrade(database) {
              const chats = database.createObjectStore('chats', { keyPath: 'id' });
              chats.createIndex('byOwner', 'owner');
              const messages = database.createObjectStore('messages', { keyPath: 'id' });
              messages.createIndex('byChat', ['chatId', 'createdAt']);
              const outbox = database.createObjectStore('outbox', { keyPath: 'clientId' });
              outbox.createIndex('byChat', 'chatId');
              outbox.createIndex('byOwner', 'owner');
            },
          }).catch(() => null);
  }
  return dbPromise;
}

async function safely<T>(fallback: T, work: (d: IDBPDatabase<ChatDbSchema>) => Promise<T>): Promise<T> {
  try {
    const d = await db();
    return d ? await work(d) : fallback;
  } catch {
    return fallback;
  }
}

const byCreated = (a: { createdAt: string; id?: string }, b: { createdAt: string; id?: string }) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : (a.id ?? '') < (b.id ?? '') ? -1 : 1;

// ------------------------------------------------------------------------------------------ outbox

export function queueMessage(entry: OutboxEntry): Promise<void> {
  return safely(undefined, async (d) => {
    await d.put('outbox', entry);
  });
}

export function outboxFor(owner: string, chatId: string): Promise<OutboxEntry[]> {
  return safely([], async (d) => {
    const rows = await d.getAllFromIndex('outbox', 'byChat', chatId);
    return rows.filter((r) => r.owner === owner).sort(byCreated);
  });
}

export function updateOutbox(clientId: string, update: Partial<OutboxEntry>): Promise<void> {
  return safely(undefined, async (d) => {
    const tx = d.transaction('outbox', 'readwrite');
    const row = await tx.store.get(clientId);
    if (row) await tx.store.put({ ...row, ...update, clientId });
    await tx.done;
  });
}

export function removeFromOutbox(clientId: string): Promise<void> {
  return safely(undefined, (d) => d.delete('outbox', clientId));
}

// ------------------------------------------------------------------------------------------- chats

export function cacheChats(owner: string, chats: Chat[], options: { local?: boolean } = {}): Promise<void> {
  return safely(undefined, async (d) => {
    const tx = d.transaction('chats', 'readwrite');
    await Promise.all(chats.map((c) => tx.store.put({ ...c, owner, local: options.local ?? false })));
    await tx.done;
  });
}

export function cachedChat(owner: string, chatId: string): Promise<CachedChat | null> {
  return safely(null, async (d) => {
    const row = await d.get('chats', chatId);
    return row && row.owner === owner ? row : null;
  });
}

/** This owner's cached chats, newest activity first. */
export function cachedChats(owner: string): Promise<CachedChat[]> {
  return safely([], async (d) => {
    const rows = await d.getAllFromIndex('chats', 'byOwner', owner);
    return rows.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  });
}

export function markChatSynced(chat: Chat, owner: string): Promise<void> {
  return cacheChats(owner, [chat]);
}

/** Forget a chat here: its cached messages and queued sends too. */
export function forgetChat(chatId: string): Promise<void> {
  return safely(undefined, async (d) => {
    const tx = d.transaction(['chats', 'messages', 'outbox'], 'readwrite');
    await tx.objectStore('chats').delete(chatId);
    const messages = tx.objectStore('messages');
    for (const key of await messages.index('byChat').getAllKeys(IDBKeyRange.bound([chatId, ''], [chatId, '\uffff']))) {
      await messages.delete(key);
    }
    const outbox = tx.objectStore('outbox');
    for (const key of await outbox.index('byChat').getAllKeys(chatId)) await outbox.delete(key);
    await tx.done;
  });
}

/** Forget everything of one owner (signed out: the next person on this device sees none of it). */
export function forgetOwner(owner: string): Promise<void> {
  return safely(undefined, async (d) => {
    const chats = await d.getAllFromIndex('chats', 'byOwner', owner);
    for (const c of chats) await forgetChat(c.id);
    const tx = d.transaction('outbox', 'readwrite');
    for (const key of await tx.store.index('byOwner').getAllKeys(owner)) await tx.store.delete(key);
    await tx.done;
  });
}

/**
 * Signed in: the guest's chats moved to the account on the server, so what this device keeps of
 * them (and messages still waiting to be sent) now belongs to the account too.
 */
export function adoptGuestData(owner: string): Promise<void> {
  return safely(undefined, async (d) => {
    const tx = d.transaction(['chats', 'outbox'], 'readwrite');
    for (const c of await tx.objectStore('chats').index('byOwner').getAll('guest')) {
      await tx.objectStore('chats').put({ ...c, owner });
    }
    for (const e of await tx.objectStore('outbox').index('byOwner').getAll('guest')) {
      await tx.objectStore('outbox').put({ ...e, owner });
    }
    await tx.done;
  });
}

/** Signed out: nothing of any account stays on this device (guest chats stay, they are the guest's). */
export function forgetAccounts(): Promise<void> {
  return safely(undefined, async (d) => {
    const owners = new Set<string>();
    for (const c of await d.getAll('chats')) if (c.owner !== 'guest') owners.add(c.owner);
    for (const e of await d.getAll('outbox')) if (e.owner !== 'guest') owners.add(e.owner);
    for (const owner of owners) await forgetOwner(owner);
  });
}

// ---------------------------------------------------------------------------------------- messages

/** Store (or update) messages, then keep only the newest CACHED_MESSAGES_PER_CHAT of their chat. */
export function cacheMessages(chatId: string, messages: Message[]): Promise<void> {
  if (messages.length === 0) return Promise.resolve();
  return safely(undefined, async (d) => {
    const tx = d.transaction('messages', 'readwrite');
    await Promise.all(messages.map((m) => tx.store.put(m)));
    const range = IDBKeyRange.bound([chatId, ''], [chatId, '\uffff']);
    const count = await tx.store.index('byChat').count(range);
    if (count > CACHED_MESSAGES_PER_CHAT) {
      let cursor = await tx.store.index('byChat').openCursor(range);
      let excess = count - CACHED_MESSAGES_PER_CHAT;
      while (cursor && excess > 0) {
        await cursor.delete();
        excess--;
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  });
}

/** The cached messages of a chat, oldest first. */
export function cachedMessages(chatId: string): Promise<Message[]> {
  return safely([], async (d) => {
    const rows = await d.getAllFromIndex('messages', 'byChat', IDBKeyRange.bound([chatId, ''], [chatId, '\uffff']));
    return rows.sort(byCreated);
  });
}
