/**
 * Who the chat talks as: the signed-in user's access token (from the auth store) or, when signed
 * out, the guest session's token (kept by the auth store too, created on the fly by the first
 * `POST /api/chats`). The rest of the chat feature only uses what this file exports, so it does not
 * care how identity is stored.
 */
import { useEffect, useSyncExternalStore } from 'react';
import {
  getAccessToken,
  getGuestToken,
  getSessionState,
  hasSessionHint,
  setGuestToken,
  subscribeSession,
} from '@/lib/auth-store';
import { refreshSession } from '@/lib/session';
import { adoptGuestData, forgetAccounts } from './offline-store';

export interface ChatIdentity {
  /** Whose chats these are on this device: "guest" or "user:<id>". */
  owner: string;
  /** False while a page load is still checking for a session: do not load anything yet. */
  ready: boolean;
  signedIn: boolean;
  /** A token exists, so requests that need one will not be 401s. */
  hasToken: boolean;
}

const listeners = new Set<() => void>();
let snapshot: ChatIdentity | null = null;

function compute(): ChatIdentity {
  const session = getSessionState();
  const signedIn = session.status === 'signed-in' && session.user !== null;
  return {
    owner: signedIn ? `user:${session.user!.id}` : 'guest',
    ready: session.status !== 'unknown',
    signedIn,
    hasToken: Boolean(getAccessToken() ?? getGuestToken()),
  };
}

function current(): ChatIdentity {
  const next = compute();
  if (
    !snapshot ||
    snapshot.owner !== next.owner ||
    snapshot.ready !== next.ready ||
    snapshot.signedIn !== next.signedIn ||
    snapshot.hasToken !== next.hasToken
  ) {
    snapshot = next;
  }
  return snapshot;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const unsubscribe = subscribeSession(listener);
  return () => {
    listeners.delete(listener);
    unsubscribe();
  };
}

export function useChatIdentity(): ChatIdentity {
  return useSyncExternalStore(subscribe, current, current);
}

export function currentOwner(): string {
  return current().owner;
}

/** The bearer for chat requests and the WebSocket's `?token=`. */
export function chatToken(): string | null {
  return getAccessToken() ?? getGuestToken();
}

/** A guest token appeared (the API made one) or went away: tell the hooks. */
export function guestTokenChanged(): void {
  for (const l of [...listeners]) l();
}

/**
 * The WebSocket was refused with 4401. A user's access token is refreshed (true: try again); a
 * guest's token is no longer valid (its session expired), so it is dropped (false).
 */
export async function recoverFromUnauthorized(): Promise<boolean> {
  if (getAccessToken()) return (await refreshSession()) !== null;
  if (getGuestToken()) {
    setGuestToken(null);
    guestTokenChanged();
  }
  return false;
}

/**
 * Keeps this device's chat cache with its owner: signing in adopts the guest's chats (the server
 * moved them to the account); a real sign-out (not an offline page load that could not refresh the
 * session) removes every account's cached chats and queued messages.
 */
export function useChatCacheHousekeeping(identity: ChatIdentity): void {
  const { ready, signedIn, owner } = identity;
  useEffect(() => {
    if (!ready) return;
    if (signedIn) void adoptGuestData(owner);
    else if (!hasSessionHint()) void forgetAccounts();
  }, [ready, signedIn, owner]);
}
