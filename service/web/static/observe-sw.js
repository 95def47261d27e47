/* The observation sheet's service worker (scope /review/, registered by observe.js). A
   reload of a sheet while the test site is offline shows the last copy of the sheet instead
   of the browser's error page; its script puts back the records still waiting on the
   device (localStorage) and sends them once the connection returns. Only GETs of sheets the
   assessor may record on and versioned static assets are kept; saves and every other
   request go to the network untouched. */
'use strict';
var CACHE = 'ujikom-observe-1';
var PAGE = /^\/review\/\d+\/observations$/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => /^ujikom-observe-/.test(k) && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Keeps a copy of a sheet the assessor may record on; any other answer (decided, someone
// else's, the session gone) drops the copy.
function keep(path, res) {
  return (res.ok ? res.text() : Promise.resolve('')).then((html) => caches.open(CACHE).then((c) => {
    if (!/data-may-record="1"/.test(html)) return c.delete(path);
    return c.put(path, new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
  }));
}
function copyOf(path) {
  return caches.open(CACHE).then((c) => c.match(path)).then((hit) => {
    if (!hit) return Response.error();
    return hit.text().then((html) => new Response(
      html.replace('id="observation-sheet"', 'id="observation-sheet" data-offline-copy="1"'),
      { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
  });
}

self.addEventListener('fetch', (ev) => {
  var req = ev.request, url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== location.origin) return;
  if (req.mode === 'navigate' && PAGE.test(url.pathname)) {
    ev.respondWith(fetch(req).then((res) => {
      if (!res.redirected) ev.waitUntil(keep(url.pathname, res.clone()));
      return res;
    }, () => copyOf(url.pathname)));
  } else if (/^\/static\//.test(url.pathname) && /^\?v=/.test(url.search)) {
    // Versioned assets never change: the kept copy, else the network (kept).
    ev.respondWith(caches.open(CACHE).then((c) => c.match(req).then((hit) => hit || fetch(req).then((res) => {
      if (res.ok) ev.waitUntil(c.put(req, res.clone()));
      return res;
    }))));
  }
});

// The page that was loaded before this worker controlled it asks for its copy once.
self.addEventListener('message', (ev) => {
  var path = ev.data && ev.data.keep;
  if (typeof path !== 'string' || !PAGE.test(path)) return;
  ev.waitUntil(fetch(path, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
    .then((res) => keep(path, res.redirected ? Response.error() : res)).catch(() => { }));
});
