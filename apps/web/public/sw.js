/* global self, caches */
/*
 * Medichat's offline shell (registered by the chat feature, src/features/chat/lib/offline-shell.ts).
 *
 * - Page loads (navigations): the network first, so a new deploy shows at once; offline, the
 *   cached index.html (the app is a single page, it routes itself).
 * - Built assets (/assets/*, content-hashed, immutable): the cache first, filled as they load.
 * - Everything else, the API and WebSockets above all, is not touched: it goes to the network as if
 *   there were no worker. Chat data offline lives in IndexedDB, not here.
 */
const CACHE = 'medichat-shell-v1';

/** index.html, fetched the way a navigation asks for it (the server's SPA fallback wants text/html). */
function cacheIndex(cache) {
  return fetch(new Request('/', { headers: { accept: 'text/html' } })).then((response) => {
    if (response.ok) return cache.put('/', response);
    return undefined;
  });
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cacheIndex(cache))
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith('medichat-shell-') && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

// The page lists the assets it loaded before this worker controlled it.
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((u) => typeof u === 'string' && (u.startsWith('/assets/') || u === '/favicon.svg'));
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        Promise.all([
          cacheIndex(cache).catch(() => undefined),
          ...urls.map((u) => cache.add(u).catch(() => undefined)),
        ]),
      ),
  );
});

function isShellAsset(url) {
  return url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg';
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/docs') || url.pathname.startsWith('/ws/')) return;
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put('/', copy));
          }
          return response;
        })
        .catch(() => caches.match('/').then((cached) => cached || Response.error())),
    );
    return;
  }

  if (isShellAsset(url)) {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
