/**
 * Messages (`messages` collection). Pages and history use the `{chatId, createdAt, id}` index with
 * keyset pagination; idempotent sends use the unique `{chatId, clientId}` index.
 */
import type { MessageDoc } from '../../engines/storage/collections.js';
import type { Collection, UpdateSpec } from '../../engines/storage/port.js';

export interface MessageCursor {
  createdAt: Date;
  id: string;
}

const NEWEST_FIRST = [
  ['createdAt', -1],
  ['id', -1],
] as const;
const OLDEST_FIRST = [
  ['createdAt', 1],
  ['id', 1],
] as const;

export class MessageRepository {
  constructor(private readonly messages: Collection<MessageDoc>) {}

  /** Throws the storage ConflictError `messages_chatId_clientId_unique` on a repeated clientId. */
  insert(doc: MessageDoc): Promise<MessageDoc> {
    return this.messages.insert(doc);
  }

  get(id: string): Promise<MessageDoc | null> {
    return this.messages.get(id);
  }

  findByClientId(chatId: string, clientId: string): Promise<MessageDoc | null> {
    return this.messages.findOne({ chatId, clientId });
  }

  /** The assistant message answering `userMessageId` (within its chat). */
  findReply(chatId: string, userMessageId: string): Promise<MessageDoc | null> {
    return this.messages.findOne({ chatId, replyTo: userMessageId, role: 'assistant' });
  }

  /** Compare-and-set update (`where`), e.g. only from a terminal status on retry. */
  update(
    id: string,
    update: UpdateSpec<MessageDoc>,
    where?: Parameters<Collection<MessageDoc>['update']>[2],
  ): Promise<MessageDoc | null> {
    return this.messages.update(id, update, where);
  }

  /**
   * One page, oldest first. No cursor: the newest `limit`. `before`: the `limit` just older than the
   * cursor. `after`: the `limit` just newer. `more` says whether the page stopped short of the end
   * in the direction it was read.
   */
  async page(
    chatId: string,
    limit: number,
    cursor?: { before?: MessageCursor; after?: MessageCursor },
  ): Promise<{ items: MessageDoc[]; more: boolean }> {
    if (cursor?.after) {
      const rows = await this.messages.find(
        { chatId },
        { sort: OLDEST_FIRST, limit: limit + 1, after: { ...cursor.after } },
      );
      return { items: rows.slice(0, limit), more: rows.length > limit };
    }
    const rows = await this.messages.find(
      { chatId },
      { sort: NEWEST_FIRST, limit: limit + 1, ...(cursor?.before ? { after: { ...cursor.before } } : {}) },
    );
    return { items: rows.slice(0, limit).reverse(), more: rows.length > limit };
  }

  /** Up to `limit` messages strictly older than `before`, oldest first (prompt history). */
  async history(chatId: string, before: MessageCursor, limit: number): Promise<MessageDoc[]> {
    const rows = await this.messages.find({ chatId }, { sort: NEWEST_FIRST, limit, after: { ...before } });
    return rows.reverse();
  }

  deleteByChat(chatId: string): Promise<number> {
    return this.messages.deleteMany({ chatId });
  }

  /** Boot: generations a previous process left unfinished are marked failed (their text is kept). */
  markInterrupted(now: Date): Promise<number> {
    return this.messages.updateMany(
      { role: 'assistant', status: { in: ['pending', 'streaming'] } },
      { set: { status: 'failed', error: 'generation_interrupted', updatedAt: now } },
    );
  }
}
