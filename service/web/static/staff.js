/* ujikom staff and candidate forms that act through the JSON API: the form's fields are
   turned into the API's JSON body (names are paths split on "/", a leading "#" marks an
   integer; empty fields are left out) and posted with the CSRF token. Without this script
   the same form posts to a page route that builds the same JSON on the server. */
(function () {
  'use strict';
  if (!window.fetch || !window.JSON) return;
  function build(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === 'csrf' || el.disabled) return;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) return;
      if (el.value === '') return;
      var name = el.name, v = el.value;
      if (name.charAt(0) === '#') { name = name.slice(1); v = Number(v); }
      var path = name.split('/'), o = body;
      for (var i = 0; i < path.length - 1; i++) {
        if (typeof o[path[i]] !== 'object') o[path[i]] = {};
        o = o[path[i]];
      }
      o[path[path.length - 1]] = v;
    });
    return body;
  }
  // Item analysis on the admin page: the JSON of a chosen exam as a table.
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest ? ev.target.closest('a[data-analysis]') : null;
    var out = document.getElementById('analysis-out');
    if (!a || !out) return;
    ev.preventDefault();
    fetch(a.getAttribute('href'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var cols = out.getAttribute('data-cols').split('|');
        var labels = JSON.parse(out.getAttribute('data-labels') || '{}');
        var word = function (prefix, code) { return labels[prefix + code] || code; };
        var o = j.outcomes || {};
        var p = document.createElement('p');
        p.textContent = (j.title || '') + ' — ' + out.getAttribute('data-outcomes')
          .replace('{attempts}', o.attempts).replace('{k}', o.k).replace('{bk}', o.bk)
          .replace('{pending}', o.pending);
        var table = document.createElement('table'), tr = document.createElement('tr');
        cols.forEach(function (c) {
          var th = document.createElement('th'); th.scope = 'col'; th.textContent = c; tr.appendChild(th);
        });
        table.appendChild(document.createElement('thead')).appendChild(tr);
        var body = table.appendChild(document.createElement('tbody'));
        (j.items || []).forEach(function (it) {
          var row = body.insertRow();
          [it.id, it.unit, word('exam.type_', it.type), it.n,
            it.facility === null ? '—' : it.facility.toFixed(2),
            it.discrimination === null ? '—' : it.discrimination.toFixed(2),
            (it.flags || []).map(function (f) { return word('admin.flag_', f); }).join(', ')].forEach(function (v) { row.insertCell().textContent = String(v); });
        });
        var wrap = document.createElement('div');
        wrap.className = 'table-wrap';
        wrap.appendChild(table);
        out.replaceChildren(p, wrap);
      }).catch(function () { location.href = a.getAttribute('href'); });
  });

  var en = document.documentElement.lang === 'en';
  // Show-password: a toggle button beside each password field (type=button, so the plain
  // form still posts the same fields).
  Array.prototype.forEach.call(document.querySelectorAll('input[type=password][id]'), function (pw) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary pw-toggle';
    b.textContent = en ? 'Show password' : 'Tampilkan kata sandi';
    b.setAttribute('aria-controls', pw.id);
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', function () {
      var show = pw.type === 'password';
      pw.type = show ? 'text' : 'password';
      b.setAttribute('aria-pressed', String(show));
    });
    pw.parentNode.insertBefore(b, pw.nextSibling);
  });
  // A table wider than the screen scrolls inside its box; the box is then a named,
  // keyboard-reachable region.
  function regions() {
    Array.prototype.forEach.call(document.querySelectorAll('.table-wrap'), function (w) {
      var over = w.scrollWidth > w.clientWidth + 1, h = w.previousElementSibling;
      var cap = w.querySelector('caption') || (h && /^H[2-4]$/.test(h.tagName) ? h : null);
      if (over === w.hasAttribute('tabindex')) return;
      if (over) {
        w.tabIndex = 0;
        w.setAttribute('role', 'region');
        w.setAttribute('aria-label', cap ? cap.textContent : (en ? 'Table' : 'Tabel'));
      } else ['tabindex', 'role', 'aria-label'].forEach(function (a) { w.removeAttribute(a); });
    });
  }
  regions();
  window.addEventListener('resize', regions);

  document.addEventListener('submit', function (ev) {
    var f = ev.target, api = f.getAttribute('data-api');
    if (!api) return;
    ev.preventDefault();
    var err = f.querySelector('.form-error');
    var btn = f.querySelector('button[type=submit]');
    if (btn) btn.disabled = true;
    fetch(api, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json',
        'X-CSRF-Token': f.elements.csrf ? f.elements.csrf.value : '' },
      body: JSON.stringify(build(f))
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { r: r, j: j }; });
    }).then(function (x) {
      if (x.r.ok) {
        // Show the new state: go to data-next, reloading when only the #fragment differs.
        var u = new URL(f.getAttribute('data-next') || location.href, location.href);
        if (u.pathname === location.pathname && u.search === location.search) {
          history.replaceState(null, '', u.href);
          location.reload();
        } else location.href = u.href;
        return;
      }
      if (btn) btn.disabled = false;
      if (err) {
        err.textContent = (err.getAttribute('data-prefix') || '') + ' ' + (x.j.message || x.r.status);
        err.hidden = false;
        err.focus();
      }
    }).catch(function () {
      if (btn) btn.disabled = false;
      if (err) { err.textContent = err.getAttribute('data-offline') || ''; err.hidden = false; }
    });
  });
})();
