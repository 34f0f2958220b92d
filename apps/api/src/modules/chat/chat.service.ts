/**
 * Conversations: create or resume, list (newest activity first), read, rename from the first
 * message, delete with their messages. Ownership is part of every lookup: a chat of another
 * principal is reported exactly like a chat that does not exist (404).
 */
import { v7 as uuidv7 } from 'uuid';
import type { Chat, ChatList, CreateChatInput, MessagesPage, MessagesQuery, PrincipalRole } from '@medichat/shared';
import type { ChatDoc } from '../../engines/storage/collections.js';
import { isConflictError } from '../../engines/storage/errors.js';
import { notFound } from '../../lib/errors.js';
import type { ChatHub } from './chat-hub.js';
import type { MessageRepository } from './message.repository.js';
import type { ReplyGenerator } from './reply-generator.js';
import { presentChat, presentMessage } from './chat.presenter.js';
import type { ChatRepository } from './chat.repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export const chatNotFound = () => notFound('No such chat.');

/** The owner of a chat: a user id, or `guest:<sessionId>` (`Principal.id` in lib/principal.ts). */
export interface ChatOwner {
  id: string;
  kind: 'user' | 'guest';
  sessionId: string;
}

/** Who is sending: the chat owner id plus what the model choice and the card need. */
export interface Sender extends ChatOwner {
  userId?: string;
  role: PrincipalRole;
}

export class ChatService {
  constructor(
    private readonly deps: {
      chats: ChatRepository;
      messages: Pick<MessageRepository, 'deleteByChat' | 'page'>;
      hub: Pick<ChatHub, 'publish' | 'forgetChat'>;
      /** When a guest's chats expire (their session's end); null = never. */
      guestExpiry: (owner: ChatOwner) => Promise<Date | null>;
      /** Stops the generations running in a chat (before it is deleted). */
      replies: Pick<ReplyGenerator, 'stopChat'>;
      now: () => Date;
    },
  ) {}

  /** Create a chat, or resume `chatId`: 201 semantics when created, 200 when it existed. */
  async createOrResume(owner: ChatOwner, input: CreateChatInput): Promise<{ chat: Chat; created: boolean }> {
    if (input.chatId) {
      const existing = await this.deps.chats.get(input.chatId);
      if (existing) {
        if (existing.userId !== owner.id) throw chatNotFound();
        return { chat: presentChat(existing), created: false };
      }
    }
    const now = this.deps.now();
    const doc: ChatDoc = {
      id: input.chatId ?? uuidv7(),
      userId: owner.id,
      title: input.title ?? '',
      modelId: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: owner.kind === 'guest' ? await this.deps.guestExpiry(owner) : null,
    };
    try {
      return { chat: presentChat(await this.deps.chats.insert(doc)), created: true };
    } catch (err) {
      // Two creates of one client-made id at once: the loser resumes what the winner made.
      if (!isConflictError(err) || !input.chatId) throw err;
      const existing = await this.deps.chats.getOwned(input.chatId, owner.id);
      if (!existing) throw chatNotFound();
      return { chat: presentChat(existing), created: false };
    }
  }

  async list(ownerId: string, query: { cursor?: string; limit: number }): Promise<ChatList> {
    const cursor = query.cursor ? decodeCursor(query.cursor, 'cursor') : undefined;
    const rows = await this.deps.chats.listByOwner(
      ownerId,
      query.limit + 1,
      cursor ? { updatedAt: cursor.at, id: cursor.id } : undefined,
    );
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(presentChat),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.updatedAt, last.id) : null,
    };
  }

  async getOwned(ownerId: string, chatId: string): Promise<ChatDoc> {
    const chat = await this.deps.chats.getOwned(chatId, ownerId);
    if (!chat) throw chatNotFound();
    return chat;
  }

  async get(ownerId: string, chatId: string): Promise<Chat> {
    return presentChat(await this.getOwned(ownerId, chatId));
  }

  /** A page of messages, oldest first; see `messagesQuerySchema`. */
  async messages(ownerId: string, chatId: string, query: MessagesQuery): Promise<MessagesPage> {
    await this.getOwned(ownerId, chatId);
    const before = query.before ? decodeCursor(query.before, 'before') : undefined;
    const after = query.after ? decodeCursor(query.after, 'after') : undefined;
    const { items, more } = await this.deps.messages.page(chatId, query.limit, {
      ...(before ? { before: { createdAt: before.at, id: before.id } } : {}),
      ...(after ? { after: { createdAt: after.at, id: after.id } } : {}),
    });
    const first = items[0];
    const last = items[items.length - 1];
    return {
      items: items.map(presentMessage),
      before: first ? encodeCursor(first.createdAt, first.id) : null,
      after: last ? encodeCursor(last.createdAt, last.id) : null,
      // Read towards older messages (no cursor, or `before`): `more` is about older ones; the
      // other direction has more whenever a cursor was given (the cursor's own message at least).
      hasMoreBefore: after ? true : more,
      hasMoreAfter: after ? more : Boolean(before),
    };
  }

  /** Delete a chat and its messages; generations in it are stopped first. */
  async delete(ownerId: string, chatId: string): Promise<void> {
    await this.getOwned(ownerId, chatId);
    this.deps.replies.stopChat(chatId);
    // The chat goes first: from then on it is a 404 everywhere, then its messages follow.
    await this.deps.chats.delete(chatId);
    await this.deps.messages.deleteByChat(chatId);
    this.deps.hub.publish(chatId, { type: 'chat.deleted', chatId });
    this.deps.hub.forgetChat(chatId);
  }

  /**
   * A guest signed up or in: their chats become the account's and stop expiring. Returns how many
   * moved (the account module calls this; it never writes chats itself).
   */
  moveGuestChatsToUser(guestOwnerId: string, userId: string): Promise<number> {
    return this.deps.chats.moveOwner(guestOwnerId, userId);
  }

  /** After a message: bump `updatedAt` (list order), remember the model, title an untitled chat. */
  async touch(chat: ChatDoc, change: { modelId?: string; firstMessage?: string }): Promise<void> {
    const set: Partial<ChatDoc> = { updatedAt: this.deps.now() };
    if (change.modelId) set.modelId = change.modelId;
    const titled = !chat.title && change.firstMessage ? titleFrom(change.firstMessage) : null;
    if (titled) set.title = titled;
    // Title only if still untitled (compare-and-set), so a concurrent rename wins.
    let updated = await this.deps.chats.update(chat.id, set, titled ? { title: '' } : undefined);
    if (!updated && titled) {
      delete set.title;
      updated = await this.deps.chats.update(chat.id, set);
    }
    if (updated) this.deps.hub.publish(chat.id, { type: 'chat.updated', chat: presentChat(updated) });
  }
}

/** First line of the first message, on a word boundary, at most 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.replace(/\s+/g, ' ').trim();
  if (line.length <= 60) return line;
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
