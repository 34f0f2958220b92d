/** Accounts in the `users` collection. Emails are stored normalized (trimmed, lower-case). */
import type { Collection } from '../../engines/storage/port.js';
import type { Role, UserDoc } from '../../engines/storage/collections.js';

export class UserRepository {
  constructor(private readonly users: Collection<UserDoc>) {}

  /** Throws the storage ConflictError (`users_email_unique`) when the email is taken. */
  insert(doc: UserDoc): Promise<UserDoc> {
    return this.users.insert(doc);
  }

  get(id: string): Promise<UserDoc | null> {
    return this.users.get(id);
  }

  findByEmail(email: string): Promise<UserDoc | null> {
    return this.users.findOne({ email });
  }

  delete(id: string): Promise<boolean> {
    return this.users.delete(id);
  }

  update(id: string, set: Partial<Omit<UserDoc, 'id' | 'createdAt'>>, now: Date): Promise<UserDoc | null> {
    return this.users.update(id, { set: { ...set, updatedAt: now } });
  }

  /**
   * Sets the avatar key only if the account was not changed since `seen` was read (compare-and-set
   * on `updatedAt`), so two uploads at once leave one consistent key and no orphaned picture.
   */
  swapAvatarKey(seen: UserDoc, to: string | null, now: Date): Promise<UserDoc | null> {
    const updatedAt = now.getTime() > seen.updatedAt.getTime() ? now : new Date(seen.updatedAt.getTime() + 1);
    return this.users.update(seen.id, { set: { avatarKey: to, updatedAt } }, { updatedAt: seen.updatedAt });
  }

  setRole(id: string, role: Role, now: Date): Promise<UserDoc | null> {
    return this.users.update(id, { set: { role, updatedAt: now } });
  }

  countAdmins(): Promise<number> {
    return this.users.count({ role: 'admin' });
  }

  /**
   * Claims one PIN attempt: atomically adds 1 to `pinFailures` only if it still equals `expected`
   * (so parallel guesses each get a distinct attempt number), and sets the lock when this attempt
   * reaches the limit. Null when another attempt won the race (re-read and try again).
   */
  claimPinAttempt(id: string, expected: number, lockUntil: Date | null): Promise<UserDoc | null> {
    return this.users.update(
      id,
      { inc: { pinFailures: 1 }, ...(lockUntil ? { set: { pinLockedUntil: lockUntil } } : {}) },
      { pinFailures: expected },
    );
  }

  /** Gives a document that predates the PIN counter its starting value (0). */
  initPinCounter(id: string): Promise<UserDoc | null> {
    return this.users.update(id, { set: { pinFailures: 0 } }, { pinFailures: { exists: false } });
  }

  resetPinCounter(id: string): Promise<UserDoc | null> {
    return this.users.update(id, { set: { pinFailures: 0, pinLockedUntil: null } });
  }
}
