/* global self, caches, fetch, URL */
// The editor's offline shell: a reload without network (or while the server restarts) still opens the page,
// and the document then comes from its IndexedDB copy. The build (vite.config.ts) injects the list of files
// to keep and a version; the API and the sync socket are never touched.
const PRECACHE = self.__PRECACHE__;
const CACHE = `collab-editor-${self.__VERSION__}`;
const SHELL = '/';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const isEditorPage = url.pathname === '/' || url.pathname.startsWith('/d/');
  if (request.mode === 'navigate' && isEditorPage) event.respondWith(networkFirst(request));
  else if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(request));
});

// Pages: the network's answer when there is one (so a new release shows at once), the kept copy otherwise.
// Every editor path is the same index.html, so one copy serves them all.
async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(SHELL);
    if (cached) return cached;
    throw error;
  }
}

// Built assets carry a content hash in their names: a kept copy is never stale.
async function cacheFirst(request) {
  return (await caches.match(request)) ?? fetch(request);
}
