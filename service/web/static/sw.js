/* The exam pages' service worker (scope /attempts/, registered by exam.js). A reload while
   offline shows the last copy of the exam page (the shell) instead of the browser's error
   page; its script puts back the answers kept on the device and sends them once the
   connection returns. Only GETs of open exam pages and versioned static assets are kept;
   saves and every other request go to the network untouched. */
'use strict';
var CACHE = 'ujikom-exam-1';
var PAGE = /^\/attempts\/\d+$/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Keeps a copy of an exam page with the time it was fetched; a page that is no longer an
// open exam (submitted, closed, someone else's) drops the copy.
function keep(path, res) {
  return res.text().then((html) => caches.open(CACHE).then((c) => {
    if (!/data-status="open"/.test(html)) return c.delete(path);
    return c.put(path, new Response(html, {
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'X-Fetched-At': String(Date.now()) }
    }));
  }));
}

// The kept copy as the page would be now: the remaining time counts down from the fetch,
// and the page is marked as a copy so its script restores the answers saved since.
function copyOf(path) {
  return caches.open(CACHE).then((c) => c.match(path)).then((hit) => {
    if (!hit) return Response.error();
    var gone = Math.round((Date.now() - Number(hit.headers.get('X-Fetched-At'))) / 1000);
    return hit.text().then((html) => new Response(html
      .replace(/data-remaining="(\d+)"/, (m, s) => 'data-remaining="' + Math.max(0, s - gone) + '"')
      .replace(/data-server-now-ms="(\d+)"/, (m, t) => 'data-server-now-ms="' + (Number(t) + gone * 1000) + '"')
      .replace('id="exam"', 'id="exam" data-offline-copy="1"'),
    { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
  });
}

self.addEventListener('fetch', (ev) => {
  var req = ev.request, url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== location.origin) return;
  if (req.mode === 'navigate' && PAGE.test(url.pathname)) {
    ev.respondWith(fetch(req).then((res) => {
      if (res.ok && !res.redirected) ev.waitUntil(keep(url.pathname, res.clone()));
      return res;
    }, () => copyOf(url.pathname)));
  } else if (/^\/static\//.test(url.pathname) && /^\?v=/.test(url.search)) {
    // Versioned assets never change: the kept copy, else the network (and keep it).
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
  ev.waitUntil(fetch(path, { credentials: 'same-origin', headers: { Accept: 'text/html' } }).then((res) => {
    if (res.ok && !res.redirected) return keep(path, res);
  }).catch(() => { }));
});
