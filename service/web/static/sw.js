/* The service worker of the pages that work offline: the exam pages (scope /attempts/,
   registered by exam.js) and the assessor's observation sheets (scope /review/, registered
   by observe.js). A reload while offline shows the last copy of the page (the shell)
   instead of the browser's error page; its script puts back what is kept on the device and
   sends it once the connection returns. Only GETs of open exam pages, of sheets the assessor
   may record on, and of versioned static assets are kept; saves and every other request go
   to the network untouched. */
'use strict';
var CACHE = 'ujikom-exam-1';
var PAGE = /^\/attempts\/\d+$|^\/review\/\d+\/observations$/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => /^ujikom-exam-/.test(k) && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Keeps a copy of an exam page (or a sheet) with the time it was fetched; an answer that is
// not an open exam page or a sheet the assessor may record on (submitted, decided, someone
// else's, the session gone) drops the copy.
function keep(path, res) {
  return (res.ok ? res.text() : Promise.resolve('')).then((html) => caches.open(CACHE).then((c) => {
    if (!/data-status="open"|data-may-record="1"/.test(html)) return c.delete(path);
    return c.put(path, new Response(html, {
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'X-Fetched-At': String(Date.now()) }
    }));
  }));
}

// The kept copy as the page would be now: the remaining time counts down from the fetch,
// and the page is marked as a copy so its script restores the answers saved since. A copy
// is dropped ten minutes after its time is up (until then it still shows what was not sent).
var OUTLIVES = 600;
function copyOf(path) {
  return caches.open(CACHE).then((c) => c.match(path).then((hit) => {
    if (!hit) return Response.error();
    var gone = Math.round((Date.now() - Number(hit.headers.get('X-Fetched-At'))) / 1000);
    return hit.text().then((html) => {
      var clock = /data-remaining="(\d+)"/.exec(html), left = clock ? Number(clock[1]) - gone : 0;
      if (clock && !(left > -OUTLIVES)) return c.delete(path).then(() => Response.error());
      html = html.replace(/data-remaining="\d+"/, 'data-remaining="' + Math.max(0, left) + '"')
        .replace(/data-server-now-ms="(\d+)"/, (m, t) => 'data-server-now-ms="' + (Number(t) + gone * 1000) + '"')
        .replace(/id="(exam|observation-sheet)"/, 'id="$1" data-offline-copy="1"');
      return new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    });
  }));
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
    // Versioned assets never change: the kept copy, else the network (and keep it, in place
    // of the asset's other versions).
    ev.respondWith(caches.open(CACHE).then((c) => c.match(req).then((hit) => hit || fetch(req).then((res) => {
      if (res.ok) {
        var copy = res.clone();
        ev.waitUntil(c.keys().then((ks) => Promise.all(ks.filter((k) => new URL(k.url).pathname === url.pathname)
          .map((k) => c.delete(k)))).then(() => c.put(req, copy)));
      }
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
