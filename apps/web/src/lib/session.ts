/**
 * Session lifecycle: start a session from a sign-in answer, refresh it silently before the access
 * token expires and whenever a request gets a 401, restore it on page load, end it on sign-out.
 *
 * Refresh tokens are single-use and reusing one revokes the whole family, so refreshes must never
 * overlap: one refresh at a time in this tab (a shared promise: concurrent 401s wait for the same
 * refresh) and, where the browser has the Web Locks API, one at a time across tabs too.
 */
import { sessionSchema, type Session } from '@medichat/shared';
import { ApiError, NetworkError, api, createApiClient, setUnauthorizedHandler } from './api-client';
import { clearSession, getGuestToken, getSessionState, hasSessionHint, setGuestToken, setSession } from './auth-store';

/** Refresh this long before the access token expires (or at 80% of a very short lifetime). */
const REFRESH_MARGIN_MS = 60_000;
const CHANNEL_NAME = 'medichat-auth';
const LOCK_NAME = 'medichat-refresh';

/** Refresh and logout use the refresh cookie, never a bearer token, and never refresh themselves. */
const authClient = createApiClient({ getToken: () => null });

/**
 * For sign-up and sign-in: never the access token (a wrong password is a 401 that must not trigger a
 * refresh), but the guest token when there is one, so the guest's chats move to the account.
 */
export const signInClient = createApiClient({ getToken: () => null, getGuestToken });

let inflight: Promise<string | null> | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
/** When the scheduled refresh is due (epoch ms), to catch up after a background tab slept. */
let refreshDueAt: number | null = null;
let channel: BroadcastChannel | null = null;
let started = false;

function cancelTimer(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  refreshDueAt = null;
}

function scheduleRefresh(expiresInSeconds: number): void {
  cancelTimer();
  const lifetime = expiresInSeconds * 1000;
  // A minute early for ordinary lifetimes (10 minutes by default); at 80% for very short ones.
  const delay = Math.max(5_000, lifetime > 2 * REFRESH_MARGIN_MS ? lifetime - REFRESH_MARGIN_MS : lifetime * 0.8);
  refreshDueAt = Date.now() + delay;
  timer = setTimeout(() => void refreshSession(), delay);
}

function broadcast(message: 'signed-in' | 'signed-out'): void {
  try {
    channel?.postMessage(message);
  } catch {
    // A closed channel (page unloading) is not worth an error.
  }
}

/** Starts a session from a sign-in answer (register, login, PIN, QR). The guest's chats moved with it. */
export function startSession(session: Session): void {
  setSession(session);
  setGuestToken(null);
  scheduleRefresh(session.expiresIn);
  broadcast('signed-in');
}

async function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return work();
  return locks.request(LOCK_NAME, work);
}

/**
 * Rotates the refresh cookie and returns the new access token, or null when there is no session
 * any more (the session is then cleared). Single-flight: callers share one request.
 */
export function refreshSession(): Promise<string | null> {
  if (inflight) return inflight;
  inflight = withRefreshLock(async () => {
    try {
      const session = await authClient.post('/api/auth/refresh', undefined, {}, sessionSchema);
      setSession(session);
      scheduleRefresh(session.expiresIn);
      return session.accessToken;
    } catch (err) {
      if (err instanceof NetworkError) {
        // Offline: keep what we have (the hint too, to try again on the next load).
        if (getSessionState().status === 'unknown') clearSession({ keepHint: true });
        return null;
      }
      if (!(err instanceof ApiError) || err.status === 401 || err.status === 403) {
        cancelTimer();
        clearSession();
      }
      return null;
    }
  }).finally(() => {
    inflight = null;
  });
  return inflight;
}

/** Ends the session here and on the server (the refresh family is revoked), and in other tabs. */
export async function signOut(): Promise<void> {
  cancelTimer();
  try {
    await authClient.post('/api/auth/logout');
  } catch {
    // Signed out locally whatever the network says; the refresh token expires on its own.
  }
  clearSession();
  broadcast('signed-out');
}

/**
 * Sign out on every device (`POST /api/auth/logout-all` with this session's access token): every
 * refresh cookie and access token of the account stops at once, this tab's too. Unlike `signOut`, a
 * failure throws and this device stays signed in: the user asked for something that did not happen.
 */
export async function signOutEverywhere(): Promise<void> {
  await api.post('/api/auth/logout-all');
  cancelTimer();
  clearSession();
  broadcast('signed-out');
}

function onVisible(): void {
  if (document.visibilityState !== 'visible') return;
  // Timers sleep in background tabs: catch up when the tab is shown again.
  if (getSessionState().status === 'signed-in' && refreshDueAt !== null && Date.now() >= refreshDueAt) {
    void refreshSession();
  }
}

/**
 * Once per page load: install the 401 handler, listen to other tabs, and restore the session from
 * the refresh cookie when this browser signed in before.
 */
export function initSession(): void {
  if (started) return;
  started = true;
  setUnauthorizedHandler(refreshSession);
  if (typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel(CHANNEL_NAME);
    channel.onmessage = (event: MessageEvent) => {
      if (event.data === 'signed-out') {
        cancelTimer();
        clearSession();
      } else if (event.data === 'signed-in' && getSessionState().status !== 'signed-in') {
        void refreshSession();
      }
    };
  }
  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisible);
  if (hasSessionHint()) void refreshSession();
}
