/**
 * The access token, held in memory only (the refresh token is an httpOnly cookie the browser sends
 * by itself). A tiny external store so React reads it with `useSyncExternalStore` and the API
 * client reads it without React.
 */
import { useSyncExternalStore } from 'react';

type Listener = () => void;

let accessToken: string | null = null;
const listeners = new Set<Listener>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  if (token === accessToken) return;
  accessToken = token;
  for (const listener of listeners) listener();
}

export function subscribeAccessToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useAccessToken(): string | null {
  return useSyncExternalStore(subscribeAccessToken, getAccessToken, () => null);
}
