/** Chats (`chats` collection), always looked up with their owner: another owner's chat does not exist. */
import type { ChatDoc } from '../../engines/storage/collections.js';
import type { Collection } from '../../engines/storage/port.js';

export interface ChatCursor {
  updatedAt: Date;
  id: string;
}

export class ChatRepository {
  constructor(private readonly chats: Collection<ChatDoc>) {}

  /** Throws the storage ConflictError (primary key) when the id is taken. */
  insert(doc: ChatDoc): Promise<ChatDoc> {
    return this.chats.insert(doc);
  }

  get(id: string): Promise<ChatDoc | null> {
    return this.chats.get(id);
  }

  /** The chat when `ownerId` owns it (and it has not expired); null otherwise. */
  async getOwned(id: string, ownerId: string): Promise<ChatDoc | null> {
    const chat = await this.chats.get(id);
    return chat && chat.userId === ownerId ? chat : null;
  }

  /** Newest activity first; index `chats_userId_updatedAt`, keyset on (updatedAt, id). */
  listByOwner(ownerId: string, limit: number, cursor?: ChatCursor): Promise<ChatDoc[]> {
    return this.chats.find(
      { userId: ownerId },
      {
        sort: [
          ['updatedAt', -1],
          ['id', -1],
        ],
        limit,
        ...(cursor ? { after: { updatedAt: cursor.updatedAt, id: cursor.id } } : {}),
      },
    );
  }

  update(
    id: string,
    set: Partial<Omit<ChatDoc, 'id' | 'userId' | 'createdAt'>>,
    where?: { title?: string },
  ): Promise<ChatDoc | null> {
    return this.chats.update(id, { set }, where);
  }

  /** Moves every chat of `fromOwner` to `toOwner`, without expiry (a guest's chats claimed by an account). */
  moveOwner(fromOwner: string, toOwner: string): Promise<number> {
    return this.chats.updateMany({ userId: fromOwner }, { set: { userId: toOwner }, unset: ['expiresAt'] });
  }

  delete(id: string): Promise<boolean> {
    return this.chats.delete(id);
  }
}
