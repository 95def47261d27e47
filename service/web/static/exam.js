/* ujikom exam page enhancement: saves each answer as it changes, keeps unsent answers in
   localStorage while offline and re-sends them in order, shows a countdown synchronised with
   the server's deadline, and lets the candidate flag items for review. The page works without
   this script (plain form posts); every visible string comes from the server's catalogue. */
(function () {
  'use strict';
  var root = document.getElementById('exam');
  if (!root || !window.fetch || !window.JSON) return;
  var strings = {};
  try {
    strings = JSON.parse(document.getElementById('exam-strings').textContent);
  } catch (e) { }
  function t(key) { return strings['exam.js_' + key] || key; }

  var attempt = root.getAttribute('data-attempt');
  var csrf = root.getAttribute('data-csrf');
  var open = root.getAttribute('data-status') === 'open';
  var form = document.getElementById('exam-form');
  var timerEl = document.getElementById('timer');
  var offlineEl = document.getElementById('offline-banner');
  var errorEl = document.getElementById('error-banner');
  var qKey = 'ujikom.attempt.' + attempt + '.pending';
  var fKey = 'ujikom.attempt.' + attempt + '.flags';

  function load(key, dflt) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? dflt : v; }
    catch (e) { return dflt; }
  }
  function store(key, v) {
    try { localStorage.setItem(key, JSON.stringify(v)); } catch (e) { /* private mode */ }
  }

  if (!open) {
    try { localStorage.removeItem(qKey); localStorage.removeItem(fKey); } catch (e) { }
    return;
  }

  var deadlineLocal = Date.now() + Number(root.getAttribute('data-remaining')) * 1000;
  var lastTick = Date.now();
  var expired = false;
  function fmt(s) {
    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), x = s % 60;
    return (h > 0 ? h + ':' + (m < 10 ? '0' : '') : '') + m + ':' + (x < 10 ? '0' : '') + x;
  }
  function tick() {
    var now = Date.now();
    if (now - lastTick > 5000) resync(); // the device slept
    lastTick = now;
    var left = Math.max(0, Math.round((deadlineLocal - now) / 1000));
    timerEl.textContent = t('time_left') + ' ' + fmt(left);
    timerEl.className = left <= 300 ? 'timer low' : 'timer';
    if (left <= 60 && left > 0 && timerEl.getAttribute('aria-live') !== 'polite')
      timerEl.setAttribute('aria-live', 'polite');
    if (left === 0 && !expired) timeUp();
  }
  function setRemaining(sec) {
    if (typeof sec === 'number' && isFinite(sec)) deadlineLocal = Date.now() + sec * 1000;
  }
  function resync() {
    fetch('/api/attempts/' + encodeURIComponent(attempt), {
      credentials: 'same-origin', headers: { 'Accept': 'application/json' }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        setRemaining(j.remaining_seconds);
        if (j.status && j.status !== 'open') timeUp();
      }).catch(function () { });
  }
  function timeUp() {
    expired = true;
    timerEl.textContent = t('time_up');
    showError(t('time_up_detail'));
    var els = form.querySelectorAll('input, select, textarea, button');
    for (var i = 0; i < els.length; i++)
      if (els[i].type !== 'hidden') els[i].disabled = true;
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { resync(); pump(); }
  });

  function showError(msg) { errorEl.textContent = msg; errorEl.hidden = false; }
  function setOffline(off) { offlineEl.hidden = !off; }
  function setState(id, state, msg) {
    var fs = document.getElementById('item-' + id);
    var el = fs && fs.querySelector('.save-state');
    if (!el) return;
    el.setAttribute('data-state', state);
    el.textContent = msg || t(state);
  }

  function valueOf(fs) {
    var type = fs.getAttribute('data-type');
    var i, els;
    if (type === 'single' || type === 'truefalse') {
      var c = fs.querySelector('input[type=radio]:checked');
      if (!c) return null;
      return type === 'truefalse' ? c.value === 'true' : c.value;
    }
    if (type === 'multiple') {
      els = fs.querySelectorAll('input[type=checkbox]:not(.flag):checked');
      var out = [];
      for (i = 0; i < els.length; i++) out.push(els[i].value);
      return out.length ? out : null;
    }
    if (type === 'ordering') {
      els = fs.querySelectorAll('select');
      var pos = [], seen = {};
      for (i = 0; i < els.length; i++) {
        var p = Number(els[i].value);
        if (!p || seen[p]) return undefined; /* incomplete: not sent yet */
        seen[p] = true;
        pos.push({ p: p, id: els[i].getAttribute('data-option') });
      }
      pos.sort(function (a, b) { return a.p - b.p; });
      return pos.map(function (x) { return x.id; });
    }
    var f = fs.querySelector('input[type=text], textarea');
    var text = f ? f.value.trim() : '';
    if (text === '') return null;
    if (type === 'numeric') {
      var n = Number(text.replace(/\s/g, '').replace(',', '.'));
      return isFinite(n) ? n : undefined;
    }
    return f.value;
  }
  function applyValue(fs, v) {
    var i, els = fs.querySelectorAll('input, select, textarea');
    for (i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.classList.contains('flag')) continue;
      if (el.type === 'radio') el.checked = v !== null && String(v) === el.value;
      else if (el.type === 'checkbox') el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0;
      else if (el.tagName === 'SELECT')
        el.value = Array.isArray(v) ? String(v.indexOf(el.getAttribute('data-option')) + 1) : '';
      else el.value = v === null ? '' : String(v);
    }
  }

  var queue = load(qKey, []);
  var seq = queue.reduce(function (m, e) { return Math.max(m, e.seq || 0); }, 0);
  var busy = false, retryTimer = null;

  function enqueue(id, v) {
    queue = queue.filter(function (e) { return e.item !== id; });
    queue.push({ item: id, value: v, seq: ++seq });
    store(qKey, queue);
    setState(id, navigator.onLine === false ? 'unsent' : 'saving');
    pump();
  }
  function retryLater() {
    if (!retryTimer) retryTimer = setTimeout(function () { retryTimer = null; pump(); }, 5000);
  }
  function pump() {
    if (busy || expired || !queue.length) return;
    var e = queue[0];
    busy = true;
    setState(e.item, 'saving');
    fetch('/api/attempts/' + encodeURIComponent(attempt) + '/answers/' + encodeURIComponent(e.item), {
      method: 'PUT', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ value: e.value })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { r: r, j: j }; });
    }).then(function (x) {
      busy = false;
      setOffline(false);
      var done = function () {
        queue = queue.filter(function (q) { return q.seq !== e.seq; });
        store(qKey, queue);
      };
      if (x.r.ok) {
        done();
        setRemaining(x.j.remaining_seconds);
        if (!queue.some(function (q) { return q.item === e.item; })) setState(e.item, 'saved');
        pump();
      } else if (x.r.status === 409) {
        /* The server's deadline rules: say so plainly and stop sending. */
        setState(e.item, 'unsent', t('rejected'));
        showError(t('closed') + (x.j.message ? ' (' + x.j.message + ')' : ''));
        expired = true;
        timeUp();
      } else if (x.r.status === 401 || x.r.status === 403) {
        setState(e.item, 'unsent');
        showError(t('session'));
      } else if (x.r.status >= 400 && x.r.status < 500 && x.r.status !== 429) {
        done();
        setState(e.item, 'unsent', t('invalid') + (x.j.message ? ' ' + x.j.message : ''));
        pump();
      } else {
        setState(e.item, 'unsent');
        retryLater();
      }
    }).catch(function () {
      busy = false;
      setOffline(true);
      queue.forEach(function (q) { setState(q.item, 'unsent'); });
      retryLater();
    });
  }
  window.addEventListener('online', function () { setOffline(false); pump(); });
  window.addEventListener('offline', function () {
    setOffline(true);
    queue.forEach(function (q) { setState(q.item, 'unsent'); });
  });

  var fieldsets = form.querySelectorAll('fieldset.item');
  var timers = {};
  var flags = load(fKey, {});
  function onChange(fs, now) {
    var id = fs.id.slice(5);
    clearTimeout(timers[id]);
    var send = function () {
      var v = valueOf(fs);
      if (v === undefined) { setState(id, 'incomplete'); return; }
      enqueue(id, v);
    };
    if (now) send(); else timers[id] = setTimeout(send, 700);
  }
  Array.prototype.forEach.call(fieldsets, function (fs) {
    var id = fs.id.slice(5);
    fs.addEventListener('change', function (ev) {
      if (ev.target.classList.contains('flag')) {
        if (ev.target.checked) flags[id] = true; else delete flags[id];
        fs.classList.toggle('flagged', ev.target.checked);
        store(fKey, flags);
        return;
      }
      onChange(fs, true);
    });
    fs.addEventListener('input', function (ev) {
      if (ev.target.tagName === 'TEXTAREA' || ev.target.type === 'text') onChange(fs, false);
    });
    var flag = fs.querySelector('input.flag');
    if (flag && flags[id]) { flag.checked = true; fs.classList.add('flagged'); }
  });

  /* Resume: the page shows the server's answers; answers never acknowledged are put back and
     sent again, oldest first. */
  queue.forEach(function (e) {
    var fs = document.getElementById('item-' + e.item);
    if (fs) { applyValue(fs, e.value); setState(e.item, 'unsent'); }
  });
  queue = queue.filter(function (e) { return document.getElementById('item-' + e.item); });
  store(qKey, queue);

  /* "Review and submit": flush first, then go to the review screen with the flags. */
  form.addEventListener('submit', function (ev) {
    var go = ev.submitter ? ev.submitter.value : 'review';
    ev.preventDefault();
    Array.prototype.forEach.call(fieldsets, function (fs) {
      var id = fs.id.slice(5);
      if (timers[id]) { clearTimeout(timers[id]); timers[id] = null; onChange(fs, true); }
    });
    var tries = 0;
    (function wait() {
      if (!queue.length && !busy) {
        if (go === 'review') {
          var f = Object.keys(flags).map(encodeURIComponent).join(',');
          location.href = '/attempts/' + encodeURIComponent(attempt) + '/review' + (f ? '?flags=' + f : '');
        }
        return;
      }
      if (++tries > 40 || expired) { showError(t('not_all_sent')); return; }
      pump();
      setTimeout(wait, 250);
    })();
  });

  setInterval(tick, 1000);
  tick();
  if (navigator.onLine === false) setOffline(true);
  pump();
})();
