/* ArchStudio service worker.
 * Caches the app shell and content-hashed assets so the studio opens
 * offline and loads instantly; NEVER caches /api (per-user, must be fresh)
 * or anything else that is not ours. The build replaces the two markers. */
const BUILD_ID = '__BUILD_ID__';
const PRECACHE = __PRECACHE__;
const SHELL_CACHE = `archstudio-shell-${BUILD_ID}`;
const ASSET_CACHE = 'archstudio-assets-v1';
const MAX_ASSETS = 120;

// A redirected response (a file server sending /index.html to /, say) may
// not answer a navigation, so store a plain copy.
function plain(res) {
  return res.redirected
    ? new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers })
    : res;
}

async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  const put = async (path) => {
    const res = await fetch(path, { cache: 'reload' });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    await cache.put(path, plain(res));
  };
  // The shell must be there; the rest is best effort (it is cached on use anyway).
  await put('/');
  await Promise.allSettled(PRECACHE.filter((p) => p !== '/').map(put));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith('archstudio-shell-') && n !== SHELL_CACHE).map((n) => caches.delete(n)),
      );
      await trimAssets();
      await self.clients.claim();
    })(),
  );
});

function isApi(url) {
  return url.pathname === '/api' || url.pathname.startsWith('/api/') || url.pathname === '/health';
}

async function trimAssets() {
  const cache = await caches.open(ASSET_CACHE);
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - MAX_ASSETS; i++) await cache.delete(keys[i]);
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  // The API (and the OAuth redirects under it) always go to the network.
  if (isApi(url)) return;
  if (req.headers.get('accept')?.includes('text/event-stream')) return;

  if (req.mode === 'navigate') {
    // Network first so a deploy shows at once; the cached shell when offline.
    // The artifact preview (/preview.html) never comes here: a frame
    // sandboxed without allow-same-origin has no service worker.
    event.respondWith(
      fetch(req).catch(async () => (await caches.match('/', { cacheName: SHELL_CACHE })) ?? Response.error()),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/')) {
    // Hashed file names never change content: cache first, forever.
    event.respondWith(
      (async () => {
        const hit = await caches.match(req);
        if (hit) return hit;
        const res = await fetch(req);
        if (res.ok && res.type === 'basic') {
          const copy = plain(res.clone());
          event.waitUntil(caches.open(ASSET_CACHE).then((c) => c.put(req, copy)));
        }
        return res;
      })(),
    );
    return;
  }

  // Other static files (favicon…): the shell copy if we have one.
  event.respondWith(caches.match(req, { cacheName: SHELL_CACHE }).then((hit) => hit ?? fetch(req)));
});
