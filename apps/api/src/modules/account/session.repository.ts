/**
 * Sessions: refresh tokens (single use, in families) and guest sessions. Only a SHA-256 of each
 * opaque token is stored. Expired sessions are invisible to every read (storage TTL rule), so
 * correctness never waits for the sweeper.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Collection } from '../../engines/storage/port.js';
import type { SessionDoc } from '../../engines/storage/collections.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import type { ClientInfo } from '../../lib/principal.js';

export class SessionRepository {
  constructor(private readonly sessions: Collection<SessionDoc>) {}

  /** A new refresh token (returned once, in clear) in `family` or a new family. */
  async createRefresh(input: { userId: string; family?: string; expiresAt: Date; now: Date; client?: ClientInfo }) {
    const token = randomToken();
    const doc: SessionDoc = {
      id: uuidv7(),
      token: sha256Hex(token),
      kind: 'refresh',
      userId: input.userId,
      family: input.family ?? uuidv7(),
      createdAt: input.now,
      expiresAt: input.expiresAt,
      ip: input.client?.ip ?? null,
      userAgent: truncate(input.client?.userAgent),
    };
    await this.sessions.insert(doc);
    return { token, session: doc };
  }

  get(id: string): Promise<SessionDoc | null> {
    return this.sessions.get(id);
  }

  findRefresh(token: string): Promise<SessionDoc | null> {
    return this.sessions.findOne({ token: sha256Hex(token), kind: 'refresh' });
  }

  /** Marks a refresh session used, only if it was neither used nor revoked (compare-and-set). */
  markUsed(id: string, now: Date): Promise<SessionDoc | null> {
    return this.sessions.update(
      id,
      { set: { usedAt: now } },
      { usedAt: { exists: false }, revokedAt: { exists: false }, kind: 'refresh' },
    );
  }

  revokeFamily(family: string, now: Date): Promise<number> {
    return this.sessions.updateMany({ family, revokedAt: { exists: false } }, { set: { revokedAt: now } });
  }

  /**
   * The refresh session an access token was issued with (its `sid`), when it still lives: not
   * revoked (sign-out, sign out everywhere, a reused token revokes the whole family, used members
   * included) and not expired (TTL rule); used is fine, it was rotated. A read by primary key, so
   * sign-out ends access tokens at once, at the cost of one cheap read per request.
   */
  async findLiveRefresh(id: string, userId?: string): Promise<SessionDoc | null> {
    const s = await this.sessions.get(id);
    if (!s || s.kind !== 'refresh' || s.revokedAt || (userId !== undefined && s.userId !== userId)) return null;
    return s;
  }

  /** Revokes every refresh family of a user ("sign out everywhere"), or all but `except` (this device). */
  revokeAllForUser(userId: string, now: Date, except?: string): Promise<number> {
    return this.sessions.updateMany(
      { userId, kind: 'refresh', revokedAt: { exists: false }, ...(except ? { family: { ne: except } } : {}) },
      { set: { revokedAt: now } },
    );
  }

  async createGuest(input: { expiresAt: Date; now: Date; client?: ClientInfo }): Promise<SessionDoc> {
    const doc: SessionDoc = {
      id: uuidv7(),
      // The guest's credential is its signed JWT; this random value only fills the unique index.
      token: sha256Hex(randomToken()),
      kind: 'guest',
      userId: null,
      createdAt: input.now,
      expiresAt: input.expiresAt,
      ip: input.client?.ip ?? null,
      userAgent: truncate(input.client?.userAgent),
    };
    await this.sessions.insert(doc);
    return doc;
  }

  /** A live guest session: exists, not expired (TTL rule), not revoked. */
  async findLiveGuest(id: string): Promise<SessionDoc | null> {
    const s = await this.sessions.get(id);
    return s && s.kind === 'guest' && !s.revokedAt ? s : null;
  }

  /** Ends a guest session; true when this call ended it (so its chats move exactly once). */
  async endGuest(id: string, now: Date): Promise<boolean> {
    return (
      (await this.sessions.update(id, { set: { revokedAt: now } }, { kind: 'guest', revokedAt: { exists: false } })) !==
      null
    );
  }
}

function truncate(ua: string | null | undefined): string | null {
  return ua ? ua.slice(0, 256) : null;
}
