/* ujikom staff and candidate forms that act through the JSON API: the form's fields are
   turned into the API's JSON body (names are paths split on "/", a leading "#" marks an
   integer; empty fields are left out) and posted with the CSRF token. Without this script
   the same form posts to a page route that builds the same JSON on the server and redirects
   to the form's next page ("_next"). Confirmation pages open in a dialog. */
(function () {
  'use strict';
  if (!window.fetch || !window.JSON) return;
  function build(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === 'csrf' || el.name === '_next' || el.disabled) return;
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
  // Confirmation before an irreversible action: a[data-confirm] leads to a confirmation
  // page (which works without scripts); here its text and form open in a <dialog> instead.
  // The form inside acts through the API like every other (see the submit handler below).
  var dialog = null, opener = null;
  function closeDialog() {
    if (!dialog) return;
    dialog.close();
  }
  function confirmDialog() {
    if (dialog) return dialog;
    dialog = document.createElement('dialog');
    dialog.className = 'confirm-dialog';
    dialog.setAttribute('aria-labelledby', 'confirm-dialog-title');
    dialog.addEventListener('close', function () {
      dialog.replaceChildren();
      if (opener) opener.focus();
    });
    document.body.appendChild(dialog);
    return dialog;
  }
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest ? ev.target.closest('a[data-confirm]') : null;
    if (a && typeof HTMLDialogElement === 'function') {
      ev.preventDefault();
      opener = a;
      fetch(a.getAttribute('href'), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var body = doc.querySelector('[data-confirm-body]'), h1 = doc.querySelector('main h1');
          if (!body || !h1) throw new Error('no confirmation');
          var d = confirmDialog(), title = document.createElement('h2');
          title.id = 'confirm-dialog-title';
          title.textContent = h1.textContent;
          d.replaceChildren(title, document.importNode(body, true));
          d.showModal();
          var first = d.querySelector('input:not([type=hidden]), button[type=submit]');
          if (first) first.focus();
        })
        .catch(function () { location.href = a.getAttribute('href'); });
      return;
    }
    var cancel = ev.target.closest ? ev.target.closest('dialog [data-confirm-cancel]') : null;
    if (cancel) {
      ev.preventDefault();
      closeDialog();
    }
  });

  var en = document.documentElement.lang === 'en';
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
