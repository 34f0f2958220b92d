/**
 * Request-context types every feature shares: who is calling (`Principal`), where from
 * (`ClientInfo`), and what can turn an access token into a principal (`Authenticator`). They live
 * here, below every module, so that a feature can name the caller without importing the account
 * module (which itself depends on users, cards and audit).
 */
import type { PrincipalRole, Role } from '@medichat/shared';

/** Who is calling, from a verified access token. */
export interface Principal {
  kind: 'user' | 'guest';
  /** The user id, or `guest:<sessionId>` (the owner id chats are stored under). */
  id: string;
  /** Set for users only. */
  userId?: string;
  role: PrincipalRole;
  /** Refresh-token family of a user's sign-in, or the guest session id. */
  sessionId: string;
}

/** The client a request came from, for the audit trail and session records. */
export interface ClientInfo {
  ip?: string | null;
  userAgent?: string | null;
}

/** What the request guards need from the session service. */
export interface Authenticator {
  /** The principal behind an access token; throws a 401 AppError when there is none. */
  authenticate(token: string): Promise<Principal>;
  /** The current role from storage (tokens may be up to one access-token lifetime stale). */
  currentRole(userId: string): Promise<Role | null>;
  /** A new guest session and its access token. */
  createGuest(context: ClientInfo): Promise<{ token: string; principal: Principal; expiresAt: Date }>;
}
