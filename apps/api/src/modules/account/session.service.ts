/**
 * Sessions, every way in: sign-up, password, PIN and QR sign-in, refresh-token rotation, sign-out,
 * guest sessions, and the principal behind an access token. (Changing a password or PIN is
 * `credential.service.ts`; role changes are the admin module's.)
 *
 * - Refresh tokens are opaque, single use and grouped in families: rotating one marks it used
 *   (compare-and-set) and issues the next in the same family; presenting a used or revoked token
 *   revokes the whole family (a stolen token is worth one use at most) and answers 401.
 * - Sign-in errors are one body for an unknown email and a wrong password, and both spend one
 *   argon2 verification (a dummy hash when there is no account).
 * - A guest who signs up or in with their guest token keeps their chats: the chats move to the
 *   account and the guest session ends.
 */
import { ProblemType, type RegisterInput, type Role } from '@medichat/shared';
import type { UserDoc } from '../../engines/storage/collections.js';
import { AppError, unauthorized } from '../../lib/errors.js';
import type { Authenticator, ClientInfo, Principal } from '../../lib/principal.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { presentCard, type CardService } from '../cards/card.service.js';
import type { UserRepository } from '../users/user.repository.js';
import type { AccountService } from './account.service.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PinGuard } from './pin-guard.js';
import type { SessionRepository } from './session.repository.js';
import { GUEST_PREFIX, type TokenService } from './token.service.js';

/** Where a guest's chats go when the guest signs up or in (the chat module implements it). */
export interface GuestChats {
  /** Moves every chat of `guestOwnerId` to `userId` (they stop expiring); returns how many. */
  moveToUser(guestOwnerId: string, userId: string): Promise<number>;
}

export interface IssuedSession {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
  user: UserDoc;
}

export interface SignInContext extends ClientInfo {
  /** A guest access token sent along (Authorization header): the guest's chats move to the account. */
  guestToken?: string | null;
}

export const invalidCredentials = (message = 'The email or password is not correct.') =>
  new AppError(ProblemType.invalidCredentials, 401, message, { headers: { 'www-authenticate': 'Bearer' } });

const invalidRefresh = () => unauthorized('The session has ended; sign in again.');
const invalidQr = () => invalidCredentials('This QR code is not valid or has been replaced.');

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export class SessionService implements Authenticator {
  constructor(
    private readonly deps: {
      users: UserRepository;
      sessions: SessionRepository;
      accounts: AccountService;
      cards: Pick<CardService, 'resolveQr'>;
      pins: Pick<PinGuard, 'verify' | 'verifyByEmail'>;
      passwords: PasswordHasher;
      tokens: TokenService;
      audit: Pick<AuditRepository, 'record'>;
      guestChats: GuestChats;
      refreshTtlDays: number;
      guestTtlHours: number;
      now: () => Date;
      log?: { warn(obj: object, msg: string): void };
    },
  ) {}

  // --- sign-up and sign-in -------------------------------------------------------------------

  async register(input: RegisterInput, context: SignInContext) {
    const { user, card } = await this.deps.accounts.createAccount(input);
    await this.audit(user.id, user.id, 'account.created', context);
    await this.claimGuest(context.guestToken, user.id);
    const session = await this.issue(user, context);
    return { ...session, card: presentCard(card) };
  }

  async login(input: { email: string; password: string }, context: SignInContext): Promise<IssuedSession> {
    const user = await this.deps.users.findByEmail(input.email.trim().toLowerCase());
    if (!user) {
      await this.deps.passwords.verifyDummy(input.password);
      throw invalidCredentials();
    }
    if (!(await this.deps.passwords.verify(user.passwordHash, input.password))) {
      await this.audit('anonymous', user.id, 'auth.login_failed', context, { method: 'password' });
      throw invalidCredentials();
    }
    if (this.deps.passwords.needsRehash(user.passwordHash)) {
      await this.deps.users.update(
        user.id,
        { passwordHash: await this.deps.passwords.hash(input.password) },
        this.deps.now(),
      );
    }
    return this.signedIn(user, 'password', context);
  }

  /** PIN sign-in by user id (a device that remembers the account) or by email (a new device). */
  async pinLogin(
    input: { userId: string; pin: string } | { email: string; pin: string },
    context: SignInContext,
  ): Promise<IssuedSession> {
    const user =
      'email' in input
        ? await this.deps.pins.verifyByEmail(input.email, input.pin, { via: 'pin', ...context })
        : await this.deps.pins.verify(input.userId, input.pin, { via: 'pin', ...context });
    return this.signedIn(user, 'pin', context);
  }

  /** QR sign-in; when the account has a PIN the PIN is required too (a printed card is a bearer credential). */
  async qrLogin(input: { qr: string; pin?: string }, context: SignInContext): Promise<IssuedSession> {
    const userId = await this.deps.cards.resolveQr(input.qr, context, 'login');
    if (!userId) throw invalidQr();
    const user = await this.deps.users.get(userId);
    if (!user) throw invalidQr();
    if (user.pinHash) {
      if (!input.pin) {
        throw new AppError(ProblemType.pinRequired, 401, 'This account asks for its PIN with the QR code.', {
          headers: { 'www-authenticate': 'Bearer' },
        });
      }
      const verified = await this.deps.pins.verify(user.id, input.pin, { via: 'qr', ...context });
      return this.signedIn(verified, 'qr', context);
    }
    return this.signedIn(user, 'qr', context);
  }

  private async signedIn(user: UserDoc, method: string, context: SignInContext): Promise<IssuedSession> {
    await this.audit(user.id, user.id, 'auth.login', context, { method });
    await this.claimGuest(context.guestToken, user.id);
    return this.issue(user, context);
  }

  // --- refresh and sign-out --------------------------------------------------------------------

  async refresh(refreshToken: string | undefined, context: ClientInfo): Promise<IssuedSession> {
    if (!refreshToken || refreshToken.length > 256) throw invalidRefresh();
    const now = this.deps.now();
    const session = await this.deps.sessions.findRefresh(refreshToken);
    if (!session || !session.userId || !session.family) throw invalidRefresh();
    if (session.revokedAt) throw invalidRefresh();
    const claimed = session.usedAt ? null : await this.deps.sessions.markUsed(session.id, now);
    if (!claimed) {
      // A used (or just-used) token again: someone holds a copy. End the whole family.
      await this.deps.sessions.revokeFamily(session.family, now);
      await this.audit('anonymous', session.userId, 'auth.refresh_reuse', context, { family: session.family });
      throw invalidRefresh();
    }
    const user = await this.deps.users.get(session.userId);
    if (!user) throw invalidRefresh();
    const issued = await this.issue(user, context, session.family);
    // A sign-out everywhere or a password change may have revoked the family while the new token
    // was being made (after the compare-and-set above, before the insert): its revoke did not see
    // the new token, so the family would live on through it. The old token tells: revoke again.
    if ((await this.deps.sessions.get(session.id))?.revokedAt) {
      await this.deps.sessions.revokeFamily(session.family, this.deps.now());
      throw invalidRefresh();
    }
    return issued;
  }

  /** Ends every session of the user, on every device: refresh cookies and access tokens alike. */
  async logoutEverywhere(userId: string, context: ClientInfo): Promise<number> {
    const revoked = await this.deps.sessions.revokeAllForUser(userId, this.deps.now());
    await this.audit(userId, userId, 'auth.logout_all', context, { sessions: revoked });
    return revoked;
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken || refreshToken.length > 256) return;
    const session = await this.deps.sessions.findRefresh(refreshToken);
    if (session?.family) await this.deps.sessions.revokeFamily(session.family, this.deps.now());
  }

  private async issue(user: UserDoc, context: ClientInfo, family?: string): Promise<IssuedSession> {
    const now = this.deps.now();
    const refreshExpiresAt = new Date(now.getTime() + this.deps.refreshTtlDays * DAY_MS);
    const { token, session } = await this.deps.sessions.createRefresh({
      userId: user.id,
      family,
      expiresAt: refreshExpiresAt,
      now,
      client: context,
    });
    const accessToken = await this.deps.tokens.signAccess(
      // The refresh session issued with it: a read by primary key tells whether it still lives.
      { sub: user.id, role: user.role, sid: session.id },
      { now },
    );
    return {
      accessToken,
      expiresIn: this.deps.tokens.accessTokenTtlSeconds,
      refreshToken: token,
      refreshExpiresAt,
      user,
    };
  }

  // --- guests ------------------------------------------------------------------------------------

  async createGuest(context: ClientInfo): Promise<{ token: string; principal: Principal; expiresAt: Date }> {
    const now = this.deps.now();
    const expiresAt = new Date(now.getTime() + this.deps.guestTtlHours * HOUR_MS);
    const session = await this.deps.sessions.createGuest({ expiresAt, now, client: context });
    const id = `${GUEST_PREFIX}${session.id}`;
    const token = await this.deps.tokens.signAccess({ sub: id, role: 'guest', sid: session.id }, { expiresAt, now });
    return { token, expiresAt, principal: { kind: 'guest', id, role: 'guest', sessionId: session.id } };
  }

  /** Moves a guest's chats to the account and ends the guest session; ignores anything else. */
  private async claimGuest(guestToken: string | null | undefined, userId: string): Promise<void> {
    if (!guestToken) return;
    let principal: Principal;
    try {
      principal = await this.authenticate(guestToken);
    } catch {
      return; // an expired or foreign token must not stand in the way of signing in
    }
    if (principal.kind !== 'guest') return;
    if (!(await this.deps.sessions.endGuest(principal.sessionId, this.deps.now()))) return;
    const moved = await this.deps.guestChats.moveToUser(principal.id, userId);
    await this.audit(userId, userId, 'guest.claimed', {}, { chats: moved });
  }

  // --- principals --------------------------------------------------------------------------------

  /** The principal behind an access token; guest tokens also need a live guest session. */
  async authenticate(token: string): Promise<Principal> {
    const claims = await this.deps.tokens.verifyAccess(token);
    if (claims.role === 'guest') {
      const sid = claims.sub.slice(GUEST_PREFIX.length);
      if (sid !== claims.sid) throw unauthorized('The access token is not valid.');
      const session = await this.deps.sessions.findLiveGuest(sid);
      if (!session) throw unauthorized('The guest session has ended.');
      return { kind: 'guest', id: claims.sub, role: 'guest', sessionId: sid };
    }
    // One read by primary key per request, as for guests: a signed-out (or stolen-and-revoked)
    // session's access tokens stop now, not at their expiry.
    if (!(await this.deps.sessions.findLiveRefresh(claims.sid, claims.sub)))
      throw unauthorized('The session has ended: sign in again.');
    return { kind: 'user', id: claims.sub, userId: claims.sub, role: claims.role, sessionId: claims.sid };
  }

  /** Whether the session behind a principal still lives (a guest session, or a user's refresh family). */
  async isSessionLive(principal: Pick<Principal, 'kind' | 'sessionId'>): Promise<boolean> {
    return principal.kind === 'guest'
      ? (await this.deps.sessions.findLiveGuest(principal.sessionId)) !== null
      : (await this.deps.sessions.findLiveRefresh(principal.sessionId)) !== null;
  }

  /** The current role from storage (tokens may be up to one access-token lifetime stale). */
  async currentRole(userId: string): Promise<Role | null> {
    return (await this.deps.users.get(userId))?.role ?? null;
  }

  private async audit(
    actorId: string,
    subjectId: string,
    action: Parameters<AuditRepository['record']>[0]['action'],
    context: ClientInfo,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.audit.record({ actorId, subjectId, action, ip: context.ip, userAgent: context.userAgent, detail });
  }
}
