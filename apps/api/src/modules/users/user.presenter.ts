import type { User } from '@medichat/shared';
import type { UserDoc } from '../../engines/storage/collections.js';

/** Public path of an avatar: unguessable (the key is random and changes on every upload). */
export function avatarPath(userId: string, avatarKey: string): string {
  return `/api/users/${encodeURIComponent(userId)}/avatar/${encodeURIComponent(avatarKey)}`;
}

export function presentUser(doc: UserDoc): User {
  return {
    id: doc.id,
    email: doc.email,
    role: doc.role,
    displayName: doc.displayName,
    avatarUrl: doc.avatarKey ? avatarPath(doc.id, doc.avatarKey) : null,
    hasPin: Boolean(doc.pinHash),
    createdAt: doc.createdAt.toISOString(),
  };
}
