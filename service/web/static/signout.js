/* The page logging out lands on (/signed-out): drops the copies of exam pages and observation
   sheets that the service worker (sw.js) kept for offline use. They hold what the account
   that just left answered or recorded, and a device at a test site is shared; what is still
   waiting to be sent (localStorage, IndexedDB) stays until that account logs in again.
   The worker's cache holds those pages and versioned static assets only; the assets stay. */
(function () {
  'use strict';
  if (!window.caches) return;
  function drop(c) {
    return c.keys().then((reqs) => Promise.all(reqs.filter((q) => !/^\/static\//.test(new URL(q.url).pathname))
      .map((q) => c.delete(q))));
  }
  caches.keys()
    .then((names) => Promise.all(names.filter((n) => /^ujikom-exam-/.test(n)).map((n) => caches.open(n).then(drop))))
    .then(() => document.documentElement.setAttribute('data-copies-dropped', '1'), () => { });
})();
