/**
 * The guest chat works offline, reloads included: a small service worker (`public/sw.js`) keeps
 * the app shell (index.html and the built assets) so the page itself loads without a network, and
 * IndexedDB keeps the chat. It is registered in production builds only (in dev, Vite serves
 * modules that must not be cached).
 *
 * The worker never touches API or WebSocket traffic. After registering, the page hands it the
 * assets it has already loaded (the worker was not there to see them), so the very first visit is
 * enough to work offline afterwards.
 */
import { env } from '@/config/env';

let registered = false;

function loadedAssets(): string[] {
  const urls = new Set<string>(['/']);
  for (const entry of performance.getEntriesByType('resource')) {
    const url = new URL(entry.name, location.href);
    if (url.origin === location.origin && (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg')) {
      urls.add(url.pathname);
    }
  }
  return [...urls];
}

export function registerOfflineShell(): void {
  if (registered || env.isDev || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  registered = true;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active?.postMessage({ type: 'cache-urls', urls: loadedAssets() }))
    .catch(() => {
      // No offline shell (private mode, or an old browser): the chat still works online.
      registered = false;
    });
}
