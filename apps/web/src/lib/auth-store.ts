/**
 * Who is signed in, held in memory: the access token, when it expires and the user. The refresh
 * token is an httpOnly cookie the browser sends by itself and JavaScript never sees. A tiny external
 * store, so React reads it with `useSyncExternalStore` and the API client reads it without React.
 *
 * Three small things live in localStorage, none of them a credential:
 * - `medichat-session`: "1" while this browser probably holds a refresh cookie, so a page load
 *   tries a silent refresh only then (no pointless 401 for visitors who never signed in);
 * - `medichat-last-user`: id, display name and whether a PIN is set, for "sign in with your PIN"
 *   on this device (the PIN page offers to forget it);
 * - `medichat-guest-token`: the guest session's bearer token (guest chats only, no account data);
 *   sent as the bearer on sign-up and sign-in so the guest's chats move to the account, then dropped.
 */
import { useSyncExternalStore } from 'react';
import type { User } from '@medichat/shared';

type Listener = () => void;

/** `unknown` while a page load checks for a session (silent refresh); then one of the other two. */
export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

export interface SessionState {
  status: SessionStatus;
  user: User | null;
  accessToken: string | null;
  /** Epoch milliseconds at which the access token expires (null when signed out). */
  expiresAt: number | null;
}

export interface LastUser {
  id: string;
  displayName: string;
  hasPin: boolean;
}

const SESSION_HINT_KEY = 'medichat-session';
const LAST_USER_KEY = 'medichat-last-user';
export const GUEST_TOKEN_KEY = 'medichat-guest-token';

const listeners = new Set<Listener>();

interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function storage(): KeyValueStore | null {
  try {
    return (globalThis as { localStorage?: KeyValueStore }).localStorage ?? null;
  } catch {
    return null; // Storage disabled (privacy mode): everything still works, nothing is remembered.
  }
}

let state: SessionState = {
  status: storage()?.getItem(SESSION_HINT_KEY) === '1' ? 'unknown' : 'signed-out',
  user: null,
  accessToken: null,
  expiresAt: null,
};

function emit(): void {
  for (const listener of listeners) listener();
}

export function getSessionState(): SessionState {
  return state;
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A new session from a sign-in or a refresh. */
export function setSession(session: { accessToken: string; expiresIn: number; user: User }, now = Date.now()): void {
  state = {
    status: 'signed-in',
    user: session.user,
    accessToken: session.accessToken,
    expiresAt: now + session.expiresIn * 1000,
  };
  storage()?.setItem(SESSION_HINT_KEY, '1');
  rememberUser(session.user);
  emit();
}

/** The user changed (profile edit, avatar, PIN set) while the session goes on. */
export function updateSessionUser(update: Partial<User>): void {
  if (!state.user) return;
  const user = { ...state.user, ...update };
  state = { ...state, user };
  rememberUser(user);
  emit();
}

/** Signed out. `keepHint`: the server could not be reached, so try the cookie again next load. */
export function clearSession(options: { keepHint?: boolean } = {}): void {
  if (!options.keepHint) storage()?.removeItem(SESSION_HINT_KEY);
  if (state.status === 'signed-out' && !state.accessToken) return;
  state = { status: 'signed-out', user: null, accessToken: null, expiresAt: null };
  emit();
}

/** Whether a page load should try a silent refresh (this browser signed in before). */
export function hasSessionHint(): boolean {
  return storage()?.getItem(SESSION_HINT_KEY) === '1';
}

export function getAccessToken(): string | null {
  return state.accessToken;
}

/** Kept for callers (tests, the API client) that only deal with the token. */
export function setAccessToken(token: string | null): void {
  if (token === state.accessToken) return;
  state = { ...state, accessToken: token };
  emit();
}

export function subscribeAccessToken(listener: Listener): () => void {
  return subscribeSession(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSessionState, getSessionState);
}

export function useAccessToken(): string | null {
  return useSession().accessToken;
}

// --- last user on this device ------------------------------------------------------------------

function rememberUser(user: User): void {
  const last: LastUser = { id: user.id, displayName: user.displayName, hasPin: user.hasPin };
  storage()?.setItem(LAST_USER_KEY, JSON.stringify(last));
}

export function getLastUser(): LastUser | null {
  const raw = storage()?.getItem(LAST_USER_KEY);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<LastUser>;
    if (typeof v.id === 'string' && typeof v.displayName === 'string') {
      return { id: v.id, displayName: v.displayName, hasPin: v.hasPin === true };
    }
  } catch {
    // A damaged entry is forgotten below.
  }
  storage()?.removeItem(LAST_USER_KEY);
  return null;
}

export function forgetLastUser(): void {
  storage()?.removeItem(LAST_USER_KEY);
}

// --- guest session -----------------------------------------------------------------------------

export function getGuestToken(): string | null {
  return storage()?.getItem(GUEST_TOKEN_KEY) ?? null;
}

export function setGuestToken(token: string | null): void {
  if (token) storage()?.setItem(GUEST_TOKEN_KEY, token);
  else storage()?.removeItem(GUEST_TOKEN_KEY);
}
