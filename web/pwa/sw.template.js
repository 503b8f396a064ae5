// The page's service worker: after one visit the page loads, checks, fixes and downloads with the
// network cut. Written into dist/ at build time by web/pwa/precache.mjs (a Trunk post_build hook),
// which fills in the build's version and the exact list of its files; never edit dist/sw.js.
//
// What it does, and nothing more:
// - install: caches exactly the files of this build, from this page's own origin, in a cache named
//   after the build's version;
// - activate: deletes the caches of earlier builds;
// - fetch: answers a request for one of those files from the cache (cache first); any other
//   request is left to the browser untouched. It never fetches anything but the page's own files.
// A new build waits until the page asks it to take over (the page shows "A new version is ready"),
// so code is never swapped under a running check.
'use strict';

const VERSION = '__VERSION__';
/** The build's files, relative to this worker's folder ('' is the page itself). */
const FILES = __FILES__;
const PREFIX = 'orgsync-preflight-';
const CACHE = PREFIX + VERSION;
const SCOPE = new URL('./', self.location).href;
const OWN = new Set(FILES.map((f) => new URL(f, SCOPE).href));

self.addEventListener('install', (event) => {
  // `reload`: the files of this very build, not an older copy from the HTTP cache.
  event.waitUntil(caches.open(CACHE).then((cache) =>
    cache.addAll(FILES.map((f) => new Request(new URL(f, SCOPE).href, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'orgsync-take-over') self.skipWaiting();
  if (event.data && event.data.type === 'orgsync-version' && event.ports[0]) {
    event.ports[0].postMessage({ version: VERSION, files: FILES.length });
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.hash = '';
  let key = null;
  if (request.mode === 'navigate' && (url.href.split('?')[0] === SCOPE || url.href.split('?')[0] === SCOPE + 'index.html')) {
    key = SCOPE; // the page, whatever its query (the embed options live in the fragment)
  } else if (OWN.has(url.href)) {
    key = url.href;
  }
  if (key === null) return; // not one of the page's files: the browser handles it as usual
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(key);
    return hit ?? fetch(request);
  })());
});
