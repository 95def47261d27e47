/* ujikom exam page: saves each answer as it changes, keeps unsent answers in localStorage
   while offline and re-sends them in order, runs the countdown from the server's deadline,
   adds "flag for review", a question navigator, timer warnings, clearing a single choice and
   a confirmed "Keluar". Without it the page still works with plain form posts. All text
   comes from the server's catalogue (#exam-strings). */
(function () {
  'use strict';
  var root = document.getElementById('exam');
  if (!root || !window.fetch) return;
  var S = {};
  try { S = JSON.parse(document.getElementById('exam-strings').textContent); } catch (e) { }
  function t(k, n) { return (S['exam.js_' + k] || k).replace('{n}', n); }
  var attempt = root.getAttribute('data-attempt');
  var csrf = root.getAttribute('data-csrf');
  var form = document.getElementById('exam-form');
  var timerEl = document.getElementById('timer');
  var bar = timerEl.parentNode, navEl, progEl;
  var offlineEl = document.getElementById('offline-banner');
  var errorEl = document.getElementById('error-banner');
  var qKey = 'ujikom.attempt.' + attempt + '.pending';
  var fKey = 'ujikom.attempt.' + attempt + '.flags';
  function load(k, d) {
    try { var v = JSON.parse(localStorage.getItem(k)); return v === null ? d : v; } catch (e) { return d; }
  }
  function store(k, v) { try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { } }
  if (root.getAttribute('data-status') !== 'open' || !form) {
    try { localStorage.removeItem(qKey); localStorage.removeItem(fKey); } catch (e) { }
    return;
  }
  function $(sel, el) { return (el || document).querySelector(sel); }
  function all(sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); }
  function idOf(fs) { return fs.id.slice(5); }
  function fsOf(id) { return document.getElementById('item-' + id); }

  // Countdown: the server says how many seconds are left; every save reply and every
  // return to the page (or wake from sleep) corrects it.
  var deadline = Date.now() + Number(root.getAttribute('data-remaining')) * 1000;
  var lastTick = Date.now(), expired = false, warned = null;
  var alertEl = document.createElement('p');
  alertEl.id = 'timer-alert';
  alertEl.className = 'sr-only';
  alertEl.setAttribute('role', 'status');
  alertEl.setAttribute('aria-live', 'polite');
  bar.appendChild(alertEl);
  function two(n) { return (n < 10 ? '0' : '') + n; }
  function tick() {
    var now = Date.now();
    if (now - lastTick > 5000) resync();
    lastTick = now;
    if (expired) return;
    var s = Math.max(0, Math.round((deadline - now) / 1000));
    // Warnings at 10, 5 and 1 minute, each announced once (the countdown is not live);
    // thresholds already passed when the page opens are not announced.
    [600, 300, 60].forEach(function (w) {
      if (s > w || s === 0) return;
      if (warned && !warned[w]) alertEl.textContent = t(w === 60 ? 'warn_1' : 'warn', w / 60);
      (warned = warned || {})[w] = 1;
    });
    warned = warned || {};
    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    timerEl.textContent = t('time_left') + ' ' + (h ? h + ':' + two(m) : m) + ':' + two(s % 60);
    timerEl.className = s <= 300 ? 'timer low' : 'timer';
    if (s === 0 && !expired) timeUp();
  }
  function setRemaining(sec) { if (typeof sec === 'number' && isFinite(sec)) deadline = Date.now() + sec * 1000; }
  function resync() {
    fetch('/api/attempts/' + attempt, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        setRemaining(j.remaining_seconds);
        if (j.status && j.status !== 'open') timeUp();
      }).catch(function () { });
  }
  function timeUp() {
    if (!expired) alertEl.textContent = t('time_up') + '.';
    expired = true;
    timerEl.textContent = t('time_up');
    timerEl.className = 'timer low';
    showError(t('time_up_detail'));
    all('input, select, textarea, button', form).forEach(function (el) { if (el.type !== 'hidden') el.disabled = true; });
    // Typed text still waiting for its pause is sent now (the server allows a short grace);
    // every answer not acknowledged says so plainly instead of "Menyimpan…" for ever.
    fieldsets.forEach(function (fs) { if (timers[idOf(fs)]) changed(fs, true); });
    lost();
    pump();
  }
  function lost() {
    queue.forEach(function (q) { setState(q.item, 'unsent', t('lost')); });
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { resync(); pump(); }
  });

  function showError(msg) { errorEl.textContent = msg; errorEl.hidden = false; }
  function setOffline(off) { offlineEl.hidden = !off; }
  function setState(id, state, msg) {
    var el = fsOf(id) && $('.save-state', fsOf(id));
    if (!el) return;
    el.setAttribute('data-state', state);
    el.textContent = msg || t(state);
    mark(id);
  }

  // The answer a fieldset holds: null = none, undefined = incomplete (not sent).
  function valueOf(fs) {
    var type = fs.getAttribute('data-type');
    if (type === 'single' || type === 'truefalse') {
      var c = $('input[type=radio]:checked', fs);
      if (!c) return null;
      return type === 'truefalse' ? c.value === 'true' : c.value;
    }
    if (type === 'multiple') {
      var ids = all('input[type=checkbox]:not(.flag):checked', fs).map(function (el) { return el.value; });
      return ids.length ? ids : null;
    }
    if (type === 'ordering') {
      var sels = all('select', fs), seen = {};
      var pos = sels.filter(function (el) { return el.value; }).map(function (el) {
        return { p: Number(el.value), id: el.getAttribute('data-option') };
      });
      if (!pos.length) return null;
      if (pos.length < sels.length || pos.some(function (x) { var d = seen[x.p]; seen[x.p] = 1; return d; })) return undefined;
      return pos.sort(function (a, b) { return a.p - b.p; }).map(function (x) { return x.id; });
    }
    var f = $('input[type=text], textarea', fs);
    var text = f ? f.value.trim() : '';
    if (text === '') return null;
    if (type === 'numeric') {
      var n = Number(text.replace(/\s/g, '').replace(',', '.'));
      return isFinite(n) ? n : undefined;
    }
    return f.value;
  }
  function applyValue(fs, v) {
    all('input, select, textarea', fs).forEach(function (el) {
      if (el.classList.contains('flag')) return;
      if (el.type === 'radio') el.checked = v !== null && String(v) === el.value;
      else if (el.type === 'checkbox') el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0;
      else if (el.tagName === 'SELECT') el.value = Array.isArray(v) ? String(v.indexOf(el.getAttribute('data-option')) + 1) : '';
      else el.value = v === null ? '' : String(v);
    });
  }

  // The ordered queue of answers not yet acknowledged by the server.
  var queue = load(qKey, []);
  var seq = queue.reduce(function (m, e) { return Math.max(m, e.seq || 0); }, 0);
  var busy = false, retry = null, stopped = false;
  function enqueue(id, v) {
    queue = queue.filter(function (e) { return e.item !== id; });
    queue.push({ item: id, value: v, seq: ++seq });
    store(qKey, queue);
    setState(id, navigator.onLine === false ? 'unsent' : 'saving', expired ? t('lost') : '');
    pump();
  }
  function later() { if (!retry) retry = setTimeout(function () { retry = null; pump(); }, 5000); }
  function pump() {
    if (busy || stopped || !queue.length) return;
    var e = queue[0];
    busy = true;
    if (!expired) setState(e.item, 'saving');
    fetch('/api/attempts/' + attempt + '/answers/' + encodeURIComponent(e.item), {
      method: 'PUT', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ value: e.value })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { r: r, j: j }; });
    }).then(function (x) {
      var st = x.r.status;
      busy = false;
      setOffline(false);
      function done() { queue = queue.filter(function (q) { return q.seq !== e.seq; }); store(qKey, queue); }
      if (x.r.ok) {
        done();
        setRemaining(x.j.remaining_seconds);
        if (!queue.some(function (q) { return q.item === e.item; })) setState(e.item, 'saved');
        pump();
      } else if (st === 409) { // the server's deadline rules: say so plainly, stop sending
        stopped = true;
        setState(e.item, 'unsent', expired ? t('lost') : t('rejected'));
        showError(t('closed') + (x.j.message ? ' (' + x.j.message + ')' : ''));
        timeUp();
      } else if (st === 401 || st === 403) {
        setState(e.item, 'unsent');
        showError(t('session'));
      } else if (st >= 400 && st < 500 && st !== 429) {
        done();
        setState(e.item, 'unsent', t('invalid') + ' ' + (x.j.message || st));
        pump();
      } else if (expired) {
        lost();
      } else {
        setState(e.item, 'unsent');
        later();
      }
    }).catch(function () {
      busy = false;
      if (expired) return lost();
      setOffline(true);
      queue.forEach(function (q) { setState(q.item, 'unsent'); });
      later();
    });
  }
  window.addEventListener('online', function () { setOffline(false); pump(); });
  window.addEventListener('offline', function () {
    setOffline(true);
    queue.forEach(function (q) { setState(q.item, 'unsent'); });
  });

  // Wiring: saves on change (text after a pause), flags kept on this device.
  var timers = {}, flags = load(fKey, {});
  function changed(fs, now) {
    var id = idOf(fs);
    clearTimeout(timers[id]);
    timers[id] = null;
    function send() {
      var v = valueOf(fs);
      if (v === undefined) setState(id, 'incomplete'); else enqueue(id, v);
    }
    if (now) send(); else timers[id] = setTimeout(send, 700);
  }
  var fieldsets = all('fieldset.item', form);
  fieldsets.forEach(function (fs) {
    var id = idOf(fs), st = $('.save-state', fs);
    st.setAttribute('aria-live', 'polite');
    var label = document.createElement('label');
    label.className = 'flagl';
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'flag';
    box.checked = !!flags[id];
    fs.classList.toggle('flagged', box.checked);
    label.appendChild(box);
    label.appendChild(document.createTextNode(' ' + t('flag')));
    fs.insertBefore(label, st);
    // A single choice can be taken back: the API saves null as "no answer".
    var radios = all('input[type=radio]', fs);
    if (radios.length) {
      var clear = document.createElement('button');
      clear.type = 'button';
      clear.className = 'secondary clear';
      clear.textContent = t('clear');
      clear.hidden = !$('input[type=radio]:checked', fs);
      clear.addEventListener('click', function () {
        radios.forEach(function (r) { r.checked = false; });
        radios[0].focus();
        changed(fs, true);
      });
      fs.insertBefore(clear, label);
    }
    // Prompts flow as text: the file's line breaks go, blank lines stay paragraphs and
    // indented blocks stay code.
    var pr = $('.prompt', fs);
    if (pr) {
      var paras = pr.textContent.replace(/^\n+|\s+$/g, '').split(/\n[ \t]*\n/);
      pr.textContent = '';
      paras.forEach(function (para) {
        var code = /^( {4}|\t)/.test(para);
        var el = document.createElement(code ? 'pre' : 'span');
        if (code) el.appendChild(document.createElement('code')).textContent = para.replace(/^( {4}|\t)/gm, '');
        else el.textContent = para.replace(/\s*\n\s*/g, ' ');
        pr.appendChild(el);
      });
      pr.classList.add('flow');
    }
    // An option that is code ("f1()", "a <= b") is set as code.
    all('label', fs).forEach(function (l) {
      var tn = l.lastChild;
      if (tn && tn.nodeType === 3 && /^\s*\S*[(){}<>=;[\]]\S*\s*$/.test(tn.data)) {
        var c = document.createElement('code');
        c.textContent = tn.data.trim();
        l.replaceChild(c, tn);
        l.insertBefore(document.createTextNode(' '), c);
      }
    });
    fs.addEventListener('change', function (ev) {
      if (clear) clear.hidden = !$('input[type=radio]:checked', fs);
      if (ev.target === box) {
        if (box.checked) flags[id] = true; else delete flags[id];
        fs.classList.toggle('flagged', box.checked);
        store(fKey, flags);
        mark(id);
      } else changed(fs, true);
    });
    fs.addEventListener('input', function (ev) {
      if (ev.target.tagName === 'TEXTAREA' || ev.target.type === 'text') changed(fs, false);
    });
  });

  // Resume: the page shows the server's answers; answers never acknowledged go back in and
  // are sent again, oldest first.
  queue = queue.filter(function (e) { return fsOf(e.item); });
  queue.forEach(function (e) { applyValue(fsOf(e.item), e.value); setState(e.item, 'unsent'); });
  store(qKey, queue);
  nav();
  logoutConfirm();

  // "Review and submit": send what is pending first, then open the review screen.
  form.addEventListener('submit', function (ev) {
    var go = ev.submitter ? ev.submitter.value : 'review';
    ev.preventDefault();
    fieldsets.forEach(function (fs) { if (timers[idOf(fs)]) changed(fs, true); });
    var tries = 0;
    (function wait() {
      if (!queue.length && !busy) {
        if (go === 'review') {
          var f = Object.keys(flags).map(encodeURIComponent).join(',');
          location.href = '/attempts/' + attempt + '/review' + (f ? '?flags=' + f : '');
        }
        return;
      }
      if (++tries > 40 || expired) { showError(t('not_all_sent')); return; }
      pump();
      setTimeout(wait, 250);
    })();
  });

  // The question navigator in the sticky bar: one numbered button per item (answered,
  // flagged, not yet saved: said in text and icon, not colour alone), the progress, and a
  // jump that moves focus into the item below the bar.
  function nav() {
    progEl = document.createElement('span');
    progEl.id = 'qnav-progress';
    progEl.className = 'qprog';
    bar.insertBefore(progEl, timerEl.nextSibling);
    navEl = document.createElement('nav');
    navEl.className = 'qnav';
    navEl.setAttribute('aria-label', t('nav_label'));
    fieldsets.forEach(function (fs, i) {
      var b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('data-item', idOf(fs));
      b.setAttribute('data-n', i + 1);
      b.addEventListener('click', function () { jump(fs); });
      navEl.appendChild(b);
      mark(idOf(fs));
    });
    bar.appendChild(navEl);
    barSize();
    if (window.ResizeObserver) new ResizeObserver(barSize).observe(bar);
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target) target.scrollIntoView();
  }
  function mark(id) {
    var b = navEl && $('button[data-item="' + id + '"]', navEl), fs = fsOf(id);
    if (!b) return;
    var st = $('.save-state', fs).getAttribute('data-state'), v = valueOf(fs);
    var state = /saving|unsent|incomplete/.test(st) ? 'unsaved' : v !== null && v !== undefined ? 'answered' : 'empty';
    b.setAttribute('data-state', state);
    b.textContent = b.getAttribute('data-n');
    var icon = (state === 'answered' ? '✓' : state === 'unsaved' ? '!' : '') + (flags[id] ? '⚑' : '');
    if (icon) b.appendChild(document.createElement('span')).textContent = icon;
    b.setAttribute('aria-label', t('q', b.getAttribute('data-n')) + ', ' + t('st_' + state) + (flags[id] ? ', ' + t('st_flagged') : ''));
    var n = fieldsets.filter(function (f) { var x = valueOf(f); return x !== null && x !== undefined; }).length;
    progEl.textContent = t('progress', n).replace('{total}', fieldsets.length);
  }
  function barSize() {
    document.documentElement.style.setProperty('--bar', bar.offsetHeight + 8 + 'px');
  }
  function jump(fs) {
    fs.scrollIntoView();
    var el = $('input:checked:not(.flag), input:not(.flag):not([type=hidden]), select, textarea', fs);
    (el || fs).focus({ preventScroll: true });
  }
  // Keyboard focus never lands under the sticky bar (WCAG 2.4.11).
  document.addEventListener('focusin', function (ev) {
    if (form.contains(ev.target)) {
      var over = bar.getBoundingClientRect().bottom + 8 - ev.target.getBoundingClientRect().top;
      if (over > 0) window.scrollBy(0, -over);
    }
  });

  // "Keluar" mid-exam asks first, in the page (never window.confirm).
  function logoutConfirm() {
    var lf = $('header form[action="/logout"]'), ok = false;
    if (!lf || !window.HTMLDialogElement) return;
    var dlg = document.createElement('dialog');
    dlg.className = 'confirm';
    dlg.setAttribute('aria-labelledby', 'logout-h');
    var h = dlg.appendChild(document.createElement('h2'));
    h.id = 'logout-h';
    h.textContent = t('logout_q');
    var p = dlg.appendChild(document.createElement('p'));
    var row = dlg.appendChild(document.createElement('div'));
    row.className = 'item-foot';
    function btn(text, cls, fn) {
      var b = row.appendChild(document.createElement('button'));
      b.type = 'button';
      b.className = cls;
      b.textContent = text;
      b.addEventListener('click', fn);
      return b;
    }
    var cancel = btn(t('cancel'), 'secondary', function () { dlg.close(); });
    btn(t('logout'), 'danger', function () { ok = true; lf.submit(); });
    document.body.appendChild(dlg);
    lf.addEventListener('submit', function (ev) {
      if (ok) return;
      ev.preventDefault();
      p.textContent = t('logout_text') + (queue.length ? ' ' + t('logout_unsent') : '');
      dlg.showModal();
      cancel.focus();
    });
  }

  setInterval(tick, 1000);
  tick();
  if (navigator.onLine === false) setOffline(true);
  pump();
})();
