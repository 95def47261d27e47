/* Observation sheet (FR.IA.01) on the assessor's tablet: every save is queued on the device
   first (localStorage), then sent to the API; while the test site is offline the queue
   waits and is sent when the connection is back (the "online" event, and a retry timer).
   Each save carries the time it was recorded and an id of its own, so the server keeps the
   latest recording of a KUK and ignores a save sent twice. Without this script each KUK's
   form posts to its page route. Photos of the demonstration (per KUK, the tablet's camera)
   are kept on the device (IndexedDB) as they are taken and sent through the resumable upload
   of static/upload.js once the connection is there, each listed with its hash when stored.
   Text: the server's catalogue (#obs-strings). */
(() => {
'use strict';
var D = document, root = D.getElementById('observation-sheet');
if (!root || !window.fetch || root.getAttribute('data-may-record') !== '1') return;
var S = {};
try { S = JSON.parse(D.getElementById('obs-strings').textContent); } catch (e) { }
function t(k) { return S[k] || k; }
/* The text of k about n things: its "_one" form for one (English), else k's. */
function tn(k, n) { return (n === 1 && S[k + '_one']) || t(k); }
var attempt = root.getAttribute('data-attempt'), csrf = root.getAttribute('data-csrf');
var qKey = 'ujikom.observations.' + attempt;
var statusEl = D.getElementById('sync-status');
var sending = false;

function load() {
  try { var v = JSON.parse(localStorage.getItem(qKey)); return Array.isArray(v) ? v : []; } catch (e) { return []; }
}
function save(q) { try { localStorage.setItem(qKey, JSON.stringify(q)); } catch (e) { } }
/* Records the server acknowledged since the page was loaded: an offline copy of the page
   (static/sw.js) predates them, so they are put back on it. */
var aKey = qKey + '.acked';
function acked() {
  try { var v = JSON.parse(localStorage.getItem(aKey)); return v && typeof v === 'object' ? v : {}; } catch (e) { return {}; }
}
function ack(unit, kuk, record) {
  var a = acked();
  a[unit + '\n' + kuk] = { observed: record.observed, notes: record.notes };
  try { localStorage.setItem(aKey, JSON.stringify(a)); } catch (e) { }
}
function showRecord(form, observed, notes) {
  var radio = form.querySelector('input[name="!observed"][value="' + observed + '"]');
  if (radio) radio.checked = true;
  form.querySelector('textarea[name=notes]').value = notes;
}
function formOf(unit, kuk) {
  return [].slice.call(root.querySelectorAll('form.obs-kuk')).filter(function (f) {
    return f.getAttribute('data-unit') === unit && f.getAttribute('data-kuk') === kuk;
  })[0];
}
function setState(form, state, text) {
  var el = form.querySelector('.kuk-state');
  el.setAttribute('data-state', state);
  el.textContent = text;
}
function newOp() {
  var a = new Uint8Array(12), s = '';
  crypto.getRandomValues(a);
  for (var i = 0; i < a.length; i++) s += ('0' + a[i].toString(16)).slice(-2);
  return 'op-' + s;
}
function showStatus() {
  var n = load().length;
  if (!n) { statusEl.hidden = true; statusEl.textContent = ''; return; }
  statusEl.hidden = false;
  statusEl.textContent = tn(navigator.onLine ? 'syncing' : 'offline', n).replace('{n}', n);
}

/* The unit's outcome as the forms show it now: K when every KUK is observed, BK when each
   is recorded and one is not, pending otherwise (the server's rule, for the offline view). */
function unitLocal(unit) {
  var section = root.querySelector('section.obs-unit[data-unit="' + CSS.escape(unit) + '"]');
  if (!section) return;
  var forms = [].slice.call(section.querySelectorAll('form.obs-kuk')), seen = 0, missing = 0;
  forms.forEach(function (f) {
    var c = f.querySelector('input[name="!observed"]:checked');
    var recorded = f.querySelector('.kuk-state').getAttribute('data-state') !== 'none';
    if (!c || !recorded) missing++;
    else if (c.value === 'true') seen++;
  });
  showUnit(section, missing ? 'PENDING' : (seen === forms.length ? 'K' : 'BK'), seen, forms.length);
}
function showUnit(section, verdict, observed, total) {
  var p = section.querySelector('.unit-verdict');
  p.setAttribute('data-unit-verdict', verdict);
  p.querySelector('strong').textContent = t(verdict);
  p.querySelector('.unit-count').textContent = t('count').replace('{observed}', observed).replace('{total}', total);
}

function send() {
  var q = load();
  showStatus();
  if (sending || !q.length || !navigator.onLine) return;
  sending = true;
  var e = q[0], form = formOf(e.unit, e.kuk);
  fetch(form.getAttribute('data-api'), {
    method: 'PUT', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(e.body)
  }).then(function (r) {
    return r.json().catch(function () { return {}; }).then(function (j) { return { r: r, j: j }; });
  }).then(function (x) {
    sending = false;
    if (x.r.status >= 500 || x.r.status === 408 || x.r.status === 429) throw new Error('retry');
    var rest = load().filter(function (o) { return o.op !== e.op; });
    save(rest);
    var stillQueued = rest.some(function (o) { return o.unit === e.unit && o.kuk === e.kuk; });
    if (x.r.ok) {
      if (x.j.record) ack(e.unit, e.kuk, x.j.record);
      if (!stillQueued && x.j.record) {
        /* The server's record stands (a later recording from elsewhere may have won). */
        showRecord(form, x.j.record.observed, x.j.record.notes);
      }
      if (!stillQueued) setState(form, 'saved', x.j.applied ? t('saved') : t('kept'));
      var section = form.closest('section.obs-unit');
      if (!stillQueued && !rest.length && x.j.unit_result) {
        showUnit(section, x.j.unit_result.verdict, x.j.unit_result.observed,
                 section.querySelectorAll('form.obs-kuk').length);
      } else {
        unitLocal(e.unit);
      }
    } else {
      setState(form, 'error', (x.j && x.j.message) || t('failed'));
    }
    showStatus();
    send();
  }).catch(function () {
    sending = false;
    showStatus();
  });
}

root.addEventListener('submit', function (ev) {
  var form = ev.target;
  if (!form.classList || !form.classList.contains('obs-kuk')) return;
  ev.preventDefault();
  var c = form.querySelector('input[name="!observed"]:checked');
  if (!c) { setState(form, 'error', t('choose')); return; }
  var unit = form.getAttribute('data-unit'), kuk = form.getAttribute('data-kuk');
  var op = newOp();
  var entry = { unit: unit, kuk: kuk, op: op, body: {
    observed: c.value === 'true', notes: form.querySelector('textarea[name=notes]').value,
    recorded_at: Date.now(), op: op } };
  /* An older unsent save of this KUK is superseded: the later recording wins anyway. */
  var q = load().filter(function (o) { return !(o.unit === unit && o.kuk === kuk); });
  q.push(entry);
  save(q);
  setState(form, 'queued', navigator.onLine ? t('sending') : t('queued'));
  unitLocal(unit);
  send();
});

/* On an offline copy, the records acknowledged since it was made; on a fresh page the
   server's own records stand and the list starts again. */
if (root.getAttribute('data-offline-copy')) {
  var a = acked();
  Object.keys(a).forEach(function (k) {
    var p = k.split('\n'), form = formOf(p[0], p[1]);
    if (!form) return;
    showRecord(form, a[k].observed, a[k].notes);
    setState(form, 'saved', t('saved'));
    unitLocal(p[0]);
  });
} else {
  try { localStorage.removeItem(aKey); } catch (e) { }
}
/* Saves queued before a reload: shown in their forms, then sent. */
load().forEach(function (e) {
  var form = formOf(e.unit, e.kuk);
  if (!form) return;
  showRecord(form, e.body.observed, e.body.notes);
  setState(form, 'queued', t('queued'));
  unitLocal(e.unit);
});
/* A reload without a connection: static/sw.js (the exam page's worker) keeps a copy of
   this sheet; a sheet loaded before the worker took control asks it for one. */
(function offlineCopy() {
  var sw = navigator.serviceWorker;
  if (!sw) return;
  sw.register('/static/sw.js', { scope: '/review/' }).catch(function () { });
  if (!sw.controller) sw.ready.then(function (r) { r.active.postMessage({ keep: location.pathname }); });
})();
/* ---- photos ---- */
var dbp = null;
function photoStore(mode, fn) {
  if (!window.indexedDB) return Promise.reject(new Error('no IndexedDB'));
  dbp = dbp || new Promise(function (ok, no) {
    var rq = indexedDB.open('ujikom-observe', 1);
    rq.onupgradeneeded = function () { rq.result.createObjectStore('photos', { keyPath: 'key' }); };
    rq.onsuccess = function () { ok(rq.result); };
    rq.onerror = function () { no(rq.error); };
  });
  return dbp.then(function (db) {
    return new Promise(function (ok, no) {
      var tx = db.transaction('photos', mode), rq = fn(tx.objectStore('photos')), res;
      if (rq) rq.onsuccess = function () { res = rq.result; };
      tx.oncomplete = function () { ok(res); };
      tx.onerror = tx.onabort = function () { no(tx.error); };
    });
  });
}
function waiting() {
  return photoStore('readonly', function (st) { return st.getAll(); }).then(function (all) {
    return (all || []).filter(function (p) { return p.attempt === attempt; });
  });
}
function photoBox(unit, kuk) {
  return [].slice.call(root.querySelectorAll('.obs-photos')).filter(function (b) {
    return b.getAttribute('data-unit') === unit && b.getAttribute('data-kuk') === kuk;
  })[0];
}
/* A photo's line in its KUK's list: where it stands, or (stored) its link and hash. */
function showPhoto(p, state, text, stored) {
  var box = photoBox(p.unit, p.kuk);
  if (!box) return;
  var li = box.querySelector('li[data-key="' + p.key + '"]');
  if (!li) {
    li = D.createElement('li');
    li.setAttribute('data-key', p.key);
    box.querySelector('.photo-list').appendChild(li);
  }
  li.setAttribute('data-state', state);
  li.textContent = '';
  if (!stored) { li.textContent = p.name + ': ' + text; return; }
  var a = D.createElement('a'), code = D.createElement('code');
  a.href = '/api/attempts/' + attempt + '/observation/' + stored.sha256;
  a.target = '_blank';
  a.rel = 'noopener';
  a.textContent = stored.name;
  code.className = 'sha256';
  code.textContent = stored.sha256;
  li.appendChild(a);
  li.appendChild(D.createTextNode(' '));
  li.appendChild(code);
}
var pumping = false;
/* Sends the photos waiting on the device, one at a time: an upload begun before (a reload, a
   lost connection) goes on from the offset the server has; a photo the server refuses is
   dropped with its reason shown. */
function pump() {
  var U = window.ujikomUpload;
  if (pumping || !U || !navigator.onLine) return;
  pumping = true;
  waiting().then(function (list) {
    if (!list.length) { pumping = false; return; }
    var p = list[0], box = photoBox(p.unit, p.kuk);
    if (!box || !box.getAttribute('data-api')) { /* no longer on this sheet: nowhere to send it */
      return photoStore('readwrite', function (st) { return st.delete(p.key); }).then(function () { pumping = false; pump(); });
    }
    var begun = p.upload ? U.api(csrf, 'GET', '/api/uploads/' + p.upload) : Promise.resolve({ status: 404 });
    return begun.then(function (r) {
      if (r.status === 200 && r.json.state !== 'refused') return r.json.offset;
      return U.api(csrf, 'POST', box.getAttribute('data-api'), { name: p.name, size: p.blob.size }).then(function (c) {
        if (c.status !== 201) throw c;
        p.upload = c.json.id;
        return photoStore('readwrite', function (st) { return st.put(p); }).then(function () { return 0; });
      });
    }).then(function (offset) {
      return U.send(csrf, p.blob, p.name, p.upload, offset, function (k, v) { showPhoto(p, 'sending', U.t(k, v)); });
    }).then(function (j) {
      showPhoto(p, 'stored', '', j);
      return photoStore('readwrite', function (st) { return st.delete(p.key); });
    }, function (r) {
      if (!r || !r.status || r.status >= 500 || r.status === 429) throw r; /* try again later */
      showPhoto(p, 'error', (r.json && r.json.message) || String(r.status));
      return photoStore('readwrite', function (st) { return st.delete(p.key); });
    }).then(function () { pumping = false; pump(); });
  }).catch(function () { pumping = false; });
}
[].forEach.call(root.querySelectorAll('.obs-photos .photo-pick'), function (pick) {
  if (!window.indexedDB) return;
  pick.hidden = false;
  var box = pick.closest('.obs-photos'), input = pick.querySelector('input[type=file]');
  input.addEventListener('change', function () {
    var files = [].slice.call(input.files);
    input.value = '';
    files.forEach(function (f) {
      var p = { key: newOp(), attempt: attempt, unit: box.getAttribute('data-unit'), kuk: box.getAttribute('data-kuk'),
        name: f.name, blob: f, upload: null };
      photoStore('readwrite', function (st) { return st.put(p); }).then(function () {
        showPhoto(p, 'queued', navigator.onLine ? t('photo_sending') : t('photo_queued'));
        pump();
      }, function () { showPhoto(p, 'error', t('failed')); });
    });
  });
});
/* Photos taken before a reload: listed as waiting, then sent. */
waiting().then(function (list) {
  list.forEach(function (p) { showPhoto(p, 'queued', t('photo_queued')); });
}).catch(function () { });

window.addEventListener('online', function () { send(); pump(); });
window.addEventListener('offline', showStatus);
setInterval(function () { send(); pump(); }, 4000);
send();
/* static/upload.js (the sending) runs after this script: the first photos go once it has */
D.addEventListener('DOMContentLoaded', pump);
})();
