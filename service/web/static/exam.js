/* Exam page: per-answer saves with an offline queue, countdown, flags, navigator. Without it
   the page works with plain form posts. Text: the server's catalogue (#exam-strings). */
(() => {
'use strict';
var D = document, root = D.getElementById('exam');
if (!root || !window.fetch) return;
var S = {};
try { S = JSON.parse(D.getElementById('exam-strings').textContent); } catch (e) { }
function t(k, n) { return (S[k] || k).replace('{n}', n); }
function attr(el, k) { return el.getAttribute(k); }
var attempt = attr(root, 'data-attempt'), csrf = attr(root, 'data-csrf');
var form = D.getElementById('exam-form'), timerEl = D.getElementById('timer');
var bar = timerEl.parentNode, navEl, progEl, here = null;
var qKey = 'ujikom.attempt.' + attempt + '.pending', fKey = 'ujikom.attempt.' + attempt + '.flags';
function load(k, d) {
  try { var v = JSON.parse(localStorage.getItem(k)); return v === null ? d : v; } catch (e) { return d; }
}
function store(k, v) { try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { } }
if (attr(root, 'data-status') !== 'open') {
  try { localStorage.removeItem(qKey); localStorage.removeItem(fKey); localStorage.removeItem(ackKey()); } catch (e) { }
  return;
}
function $(sel, el) { return (el || D).querySelector(sel); }
function all(sel, el) { return [].slice.call((el || D).querySelectorAll(sel)); }
function idOf(fs) { return fs.id.slice(5); }
function fsOf(id) { return D.getElementById('item-' + id); }
function mk(tag, cls, text, parent, before) {
  var e = D.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  if (tag === 'button') e.type = 'button';
  if (parent) parent.insertBefore(e, before || null);
  return e;
}

var deadline = Date.now() + Number(attr(root, 'data-remaining')) * 1000;
var lastTick = Date.now(), expired = false, warned;
var alertEl = mk('p', 'sr-only', '', bar);
alertEl.id = 'timer-alert';
alertEl.setAttribute('role', 'status');
function two(n) { return (n < 10 ? '0' : '') + n; }
function tick() {
  var now = Date.now();
  if (now - lastTick > 5000) resync();
  lastTick = now;
  if (expired) return;
  var s = Math.max(0, Math.round((deadline - now) / 1000)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
  // Warnings: each once; none for those passed before the page opened.
  [600, 300, 60].forEach((w) => {
    if (s > w || !s) return;
    if (warned && !warned[w]) alertEl.textContent = t('warn', w / 60);
    (warned = warned || {})[w] = 1;
  });
  warned = warned || {};
  steady(() => { // a narrower or wider time may wrap the bar differently
    timerEl.textContent = t('time_left') + ' ' + (h ? h + ':' + two(m) : m) + ':' + two(s % 60);
    timerEl.className = s <= 300 ? 'timer low' : 'timer';
  });
  if (!s) timeUp();
}
function setRemaining(sec) { if (typeof sec === 'number' && isFinite(sec)) deadline = Date.now() + sec * 1000; }
function resync() {
  fetch('/api/attempts/' + attempt, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then((r) => r.ok ? r.json() : null)
    .then((j) => {
      if (!j) return;
      setRemaining(j.remaining_seconds);
      if (j.status && j.status !== 'open') timeUp();
    }).catch(() => { });
}
function timeUp() {
  if (!expired) alertEl.textContent = t('time_up') + '.';
  expired = true;
  timerEl.textContent = t('time_up');
  timerEl.className = 'timer low';
  showError(t('time_up_detail'));
  if (!form) return;
  all('input, select, textarea, button', form).forEach((el) => { if (el.type !== 'hidden') el.disabled = true; });
  fieldsets.forEach((fs) => { if (timers[idOf(fs)]) changed(fs, true); });
  lost();
  pump();
}
function lost() { queue.forEach((q) => setState(q.item, 'unsent', t('lost'))); }
D.addEventListener('visibilitychange', () => {
  if (D.visibilityState === 'visible') { resync(); if (form) pump(); }
});
// The review page: the clock only.
if (!form) {
  setInterval(tick, 1000);
  return tick();
}

// What the page changes by itself (an answer's state, a banner, an upload that finished)
// leaves the item last touched where it is on screen, so the option about to be tapped does
// not move away under the finger. The browser's scroll anchoring does not cover a change in
// view above it; upload.js calls this too.
['pointerdown', 'focusin'].forEach((k) => form.addEventListener(k, (ev) => {
  here = ev.target.closest('fieldset.item') || here;
}, true));
function steady(fn) {
  var a = here, r = a ? a.getBoundingClientRect() : null, y = r && r.bottom > 0 && r.top < innerHeight ? r.top : null;
  fn();
  var d = y === null ? 0 : a.getBoundingClientRect().top - y;
  if (d) scrollBy(0, d);
}
window.ujikomSteady = steady;
function showError(msg) { steady(() => { var e = D.getElementById('error-banner'); e.textContent = msg; e.hidden = false; }); }
function setOffline(off) { steady(() => { D.getElementById('offline-banner').hidden = !off; }); }
function setState(id, state, msg) {
  var el = fsOf(id) && $('.save-state', fsOf(id));
  if (el) steady(() => {
    el.setAttribute('data-state', state);
    el.textContent = msg || t(state);
    mark(id);
  });
}

// null = no answer, undefined = incomplete (not sent).
function valueOf(fs) {
  var type = attr(fs, 'data-type');
  // Evidence: files go through upload.js; answered once a file is listed.
  if (type === 'evidence') return $('.evidence-list li', fs) ? true : null;
  if (type === 'single' || type === 'truefalse') {
    var c = $('input[type=radio]:checked', fs);
    return !c ? null : type === 'truefalse' ? c.value === 'true' : c.value;
  }
  if (type === 'multiple') {
    var ids = all('input[type=checkbox]:not(.flag):checked', fs).map((el) => el.value);
    return ids.length ? ids : null;
  }
  if (type === 'ordering') {
    var sels = all('select', fs), seen = {};
    var pos = sels.filter((el) => el.value).map((el) => {
      return { p: Number(el.value), id: attr(el, 'data-option') };
    });
    if (!pos.length) return null;
    if (pos.length < sels.length || pos.some((x) => { var d = seen[x.p]; seen[x.p] = 1; return d; })) return undefined;
    return pos.sort((a, b) => a.p - b.p).map((x) => x.id);
  }
  var f = $('input[type=text], textarea', fs), text = f ? f.value.trim() : '';
  if (text === '') return null;
  // Numbers go as typed: the server reads them ("30.000", "2,5") or says why not.
  return type === 'numeric' ? text : f.value;
}
function has(fs) { var v = valueOf(fs); return v !== null && v !== undefined; }
function applyValue(fs, v) {
  all('input, select, textarea', fs).forEach((el) => {
    if (el.classList.contains('flag')) return;
    if (el.type === 'radio') el.checked = v !== null && String(v) === el.value;
    else if (el.type === 'checkbox') el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0;
    else if (el.tagName === 'SELECT') el.value = Array.isArray(v) ? String(v.indexOf(attr(el, 'data-option')) + 1) : '';
    else el.value = v === null ? '' : String(v);
  });
}

var queue = load(qKey, []);
var seq = queue.reduce((m, e) => Math.max(m, e.seq || 0), 0);
var busy = false, retry = null, stopped = false;
function enqueue(id, v) {
  queue = queue.filter((e) => e.item !== id);
  queue.push({ item: id, value: v, seq: ++seq });
  store(qKey, queue);
  setState(id, navigator.onLine === false ? 'unsent' : 'saving', expired && t('lost'));
  pump();
}
function unsent() { queue.forEach((q) => setState(q.item, 'unsent')); }
function later() { if (!retry) retry = setTimeout(() => { retry = null; pump(); }, 5000); }
function pump() {
  if (busy || stopped || !queue.length) return;
  var e = queue[0];
  busy = true;
  if (!expired) setState(e.item, 'saving');
  put('/answers/', e.item, { value: e.value }).then((r) => {
    return r.json().catch(() => { return {}; }).then((j) => { return { r: r, j: j }; });
  }).then((x) => {
    var st = x.r.status;
    busy = false;
    setOffline(false);
    function done() { queue = queue.filter((q) => q.seq !== e.seq); store(qKey, queue); }
    if (x.r.ok) {
      done();
      if (!queue.some((q) => q.item === e.item)) invalid(e.item, '');
      acked(e);
      setRemaining(x.j.remaining_seconds);
      if (!queue.some((q) => q.item === e.item)) setState(e.item, 'saved');
      pump();
    } else if (st === 409) { // past the server's deadline
      stopped = true;
      setState(e.item, 'unsent', t(expired ? 'lost' : 'rejected'));
      showError(t('closed') + (x.j.message ? ' (' + x.j.message + ')' : ''));
      timeUp();
    } else if (st === 401 || st === 403) {
      setState(e.item, 'unsent');
      showError(t('session'));
      relogin();
    } else if (st >= 400 && st < 500 && st !== 429) {
      done();
      var num = /^number_/.test(x.j.error) && t(x.j.error);
      setState(e.item, num ? 'invalid' : 'unsent', num || t('invalid') + ' ' + (x.j.message || st));
      if (num) invalid(e.item, num);
      pump();
    } else if (expired) lost();
    else { setState(e.item, 'unsent'); later(); }
  }).catch(() => {
    busy = false;
    if (expired) return lost();
    setOffline(true);
    unsent();
    later();
  });
}
window.addEventListener('online', () => { setOffline(false); pump(); });
window.addEventListener('offline', () => { setOffline(true); unsent(); });

// Flags live on the server (data-flagged); changes not yet acknowledged wait in fKey.
var timers = {}, flags = {}, flagsOut = load(fKey, {});
function put(path, id, body) {
  return fetch('/api/attempts/' + attempt + path + encodeURIComponent(id), {
    method: 'PUT', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body)
  });
}
function sendFlag(id) {
  put('/flags/', id, { flagged: !!flags[id] }).then((r) => {
    if (!/^(5|429|40[13])/.test(r.status)) { delete flagsOut[id]; store(fKey, flagsOut); }
  }).catch(() => { });
}
// A refused number: the field says so (aria-invalid, the reason) until a save is taken.
function invalid(id, msg) {
  var fs = fsOf(id), f = fs && $('input[type=text]', fs), st = fs && $('.save-state', fs);
  if (!f) return;
  var by = attr(f, 'aria-describedby') || '';
  st.id = 'st-' + id;
  if (by.indexOf(st.id) < 0) f.setAttribute('aria-describedby', (by + ' ' + st.id).trim());
  if (msg) f.setAttribute('aria-invalid', 'true'); else f.removeAttribute('aria-invalid');
}
function changed(fs, now) {
  var id = idOf(fs);
  if (attr(fs, 'data-type') === 'evidence') return mark(id); // saved by upload.js

  clearTimeout(timers[id]);
  timers[id] = null;
  function send() {
    var v = valueOf(fs);
    if (v === undefined) setState(id, 'incomplete'); else enqueue(id, v);
  }
  if (now) send(); else timers[id] = setTimeout(send, 700);
}
var fieldsets = all('fieldset.item', form);
fieldsets.forEach((fs) => {
  var id = idOf(fs), st = $('.save-state', fs) || mk('p', 'save-state', t('empty'), fs), pr = $('.prompt', fs);
  st.setAttribute('aria-live', 'polite');
  var label = mk('label', 'flagl', '', fs, st), box = mk('input', 'flag', '', label), fb = $('button[name$=flag]', fs);
  box.type = 'checkbox';
  flags[id] = id in flagsOut ? flagsOut[id] : fs.hasAttribute('data-flagged');
  if (id in flagsOut) sendFlag(id);
  if (fb) fb.remove();
  box.checked = flags[id];
  fs.classList.toggle('flagged', box.checked);
  label.appendChild(D.createTextNode(' ' + t('flag')));
  var radios = all('input[type=radio]', fs), clear = radios.length && mk('button', 'secondary', t('clear'), fs, label);
  if (clear) clear.onclick = () => {
    radios.forEach((r) => r.checked = false);
    radios[0].focus();
    shown();
    changed(fs, true);
  };
  // Prompts flow (blank lines part paragraphs, indented blocks are code); code options.
  pr.className += ' flow';
  pr.textContent.trim().split(/\n[ \t]*\n/).forEach((para, i) => {
    if (!i) pr.textContent = '';
    if (/^ {4}/.test(para)) mk('code', '', para.replace(/^ {4}/gm, ''), mk('pre', '', '', pr));
    else mk('span', '', para.replace(/\s*\n\s*/g, ' '), pr);
  });
  all('label', fs).forEach((l) => {
    var tn = l.lastChild;
    if (tn.nodeType === 3 && /^\s*\S*[(){}<>=;[\]]\S*\s*$/.test(tn.data)) l.replaceChild(mk('code', '', tn.data.trim()), tn);
  });
  function shown() { if (clear) clear.hidden = !$('input[type=radio]:checked', fs); }
  fs.addEventListener('change', (ev) => {
    shown();
    if (ev.target !== box) return changed(fs, true);
    flags[id] = flagsOut[id] = box.checked;
    fs.classList.toggle('flagged', box.checked);
    store(fKey, flagsOut);
    sendFlag(id);
    mark(id);
  });
  fs.addEventListener('input', (ev) => {
    if (ev.target.tagName === 'TEXTAREA' || ev.target.type === 'text') changed(fs, false);
  });
  shown();
});

restoreAcked();
// Resume: unacknowledged answers go back in and are sent again.
queue = queue.filter((e) => fsOf(e.item));
queue.forEach((e) => { applyValue(fsOf(e.item), e.value); setState(e.item, 'unsent'); });
store(qKey, queue);

// Navigator: states in text, icon and label, not colour alone.
progEl = mk('span', 'qprog', '', bar, timerEl.nextSibling);
progEl.id = 'qnav-progress';
navEl = mk('nav', 'qnav', '', bar);
navEl.setAttribute('aria-label', t('nav_label'));
fieldsets.forEach((fs, i) => {
  var b = mk('button', '', '', navEl);
  b.dataset.item = idOf(fs);
  b.dataset.n = i + 1;
  b.onclick = () => {
    var el = $('input:checked:not(.flag), input:not(.flag), select, textarea', fs);
    fs.scrollIntoView();
    el.focus({ preventScroll: true });
    if (el.getBoundingClientRect().bottom > innerHeight) el.scrollIntoView({ block: 'nearest' });
  };
  mark(idOf(fs));
});
function mark(id) {
  var b = navEl && $('button[data-item="' + id + '"]', navEl), fs = fsOf(id);
  if (!b) return;
  var st = attr($('.save-state', fs), 'data-state'), n = b.dataset.n;
  st = /saving|unsent|incomplete|invalid/.test(st) ? 'unsaved' : has(fs) ? 'answered' : 'empty';
  b.dataset.state = st;
  b.textContent = n;
  var icon = { answered: '✓', unsaved: '!' }[st] || '';
  if (icon + (flags[id] ? '⚑' : '')) mk('span', '', icon + (flags[id] ? '⚑' : ''), b);
  b.setAttribute('aria-label', t('q', n) + ', ' + t('st_' + st) + (flags[id] ? ', ' + t('st_flagged') : ''));
  progEl.textContent = t('progress', fieldsets.filter(has).length).replace('{total}', fieldsets.length);
}
// Targets and focus never under the sticky bar (WCAG 2.4.11).
function barSize() { D.documentElement.style.setProperty('--bar', bar.offsetHeight + 8 + 'px'); }
barSize();
if (window.ResizeObserver) new ResizeObserver(barSize).observe(bar);
var tg = location.hash && D.getElementById(location.hash.slice(1));
if (tg) tg.scrollIntoView();
// A link followed within the page (review links, navigator): the bar measured now, not as
// the last resize left it.
window.addEventListener('hashchange', () => {
  var el = D.getElementById(location.hash.slice(1));
  barSize();
  if (el) el.scrollIntoView();
});

var lf = $('header form[action="/logout"]');
if (lf && window.HTMLDialogElement) {
  var dlg = mk('dialog', '', '', D.body), p = mk('p', '', t('logout_text'), dlg), row = mk('div', 'item-foot', '', dlg);
  mk('h2', '', t('logout_q'), dlg, p).id = 'logout-h';
  dlg.setAttribute('aria-labelledby', 'logout-h');
  var cancel = mk('button', 'secondary', t('cancel'), row);
  cancel.onclick = () => dlg.close();
  mk('button', 'danger', t('logout'), row).onclick = () => lf.submit();
  lf.addEventListener('submit', (ev) => {
    ev.preventDefault();
    dlg.showModal();
    cancel.focus();
  });
}

form.addEventListener('submit', (ev) => {
  var go = ev.submitter ? ev.submitter.value : 'review', tries = 0;
  ev.preventDefault();
  fieldsets.forEach((fs) => { if (timers[idOf(fs)]) changed(fs, true); });
  (function wait() {
    if (!queue.length && !busy) {
      var f = Object.keys(flags).filter((k) => flags[k]).map(encodeURIComponent).join(',');
      if (go === 'review') location.href = '/attempts/' + attempt + '/review' + (f ? '?flags=' + f : '');
      return;
    }
    if (++tries > 40 || expired) return showError(t('not_all_sent'));
    pump();
    setTimeout(wait, 250);
  })();
});

setInterval(tick, 1000);
tick();
if (navigator.onLine === false) setOffline(true);
pump();
offlineShell();

// Banners stay in view, in the sticky bar.
['error-banner', 'offline-banner'].forEach((id) => bar.appendChild(D.getElementById(id)));

// Offline shell: static/sw.js keeps this page for a reload without a connection; a page
// loaded before the worker took control asks it for a copy.
function offlineShell() {
  var sw = navigator.serviceWorker;
  if (!sw) return;
  sw.register('/static/sw.js', { scope: '/attempts/' }).catch(() => { });
  if (!sw.controller) sw.ready.then((r) => r.active.postMessage({ keep: location.pathname }));
}
// Answers acknowledged since the kept copy was made, put back on that copy.
function ackKey() { return 'ujikom.attempt.' + attempt + '.acked'; }
function acked(e) { var a = load(ackKey(), {}); a[e.item] = e.value; store(ackKey(), a); }
function restoreAcked() {
  var a = load(ackKey(), {});
  if (!attr(root, 'data-offline-copy')) return store(ackKey(), {});
  Object.keys(a).forEach((id) => { if (fsOf(id)) { applyValue(fsOf(id), a[id]); setState(id, 'saved'); } });
}

// Session ended (401) or changed (403): once the candidate logged in again elsewhere, take
// the new session's token (if it can read this attempt) and send what waits.
var renewing = null;
function relogin() {
  if (renewing) return;
  renewing = setInterval(renew, 4000);
  window.addEventListener('focus', renew);
}
function get(u) {
  return fetch(u, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then((r) => r.ok ? r.json() : null);
}
function renew() {
  if (renewing) get('/api/auth/me').then((me) => me && me.csrf !== csrf && get('/api/attempts/' + attempt).then((a) => {
    if (!a || !renewing) return;
    clearInterval(renewing);
    renewing = null;
    csrf = me.csrf;
    root.setAttribute('data-csrf', csrf); // upload.js reads it there
    all('input[name=csrf]').forEach((el) => { el.value = csrf; });
    steady(() => { D.getElementById('error-banner').hidden = true; });
    pump();
  })).catch(() => { });
}
// Evidence items: upload.js is fetched once one is touched, or at once when an upload of this
// attempt waits to be resumed (a first visit does not pay for it otherwise).
var upJs = attr(root, 'data-upload-js');
function loadUpload() {
  if (!upJs) return;
  mk('script', '', '', D.head).src = upJs;
  upJs = null;
}
all('fieldset[data-type=evidence]').forEach((f) => {
  ['pointerdown', 'focusin', 'change'].forEach((ev) => f.addEventListener(ev, loadUpload));
  // A remove button pressed before upload.js is here: upload.js presses it again once loaded.
  f.addEventListener('click', (ev) => {
    var b = ev.target.closest && ev.target.closest('button.file-remove');
    if (b && !window.ujikomUpload) b.setAttribute('data-pending', '');
  });
});
try {
  if (Object.keys(localStorage).some((k) => !k.indexOf('ujikom.upload.' + attempt + '.'))) loadUpload();
} catch (e) { }
})();