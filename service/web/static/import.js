/* ujikom: what the pages that upload a file to an import API share (static/schedule.js,
   static/itembank.js): sending the file as the request body with the CSRF token, the form's
   buttons disabled meanwhile, and showing a refusal (its problems as a list). Loaded before
   the page's own script. */
(function () {
  'use strict';
  function el(tag, text) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function buttons(form, disabled) {
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) { b.disabled = disabled; });
  }
  window.ujikomImport = {
    el: el,
    // POSTs file to url; done(status, json) is called in every case (status 0: no answer).
    send: function (form, url, file, contentType, done) {
      buttons(form, true);
      fetch(url, {
        method: 'POST', credentials: 'same-origin',
        headers: {
          'Content-Type': contentType, 'Accept': 'application/json',
          'X-CSRF-Token': form.elements.csrf.value
        },
        body: file
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) { done(r.status, j); });
      }).catch(function () { done(0, {}); })
        .then(function () { buttons(form, false); });
    },
    // A refusal in p (and a list of its problems, id listId, after it in out).
    refusal: function (out, p, j, status, problemsText, listId) {
      p.className = 'notice warn';
      p.textContent = j.message || String(status);
      if (j.problems && j.problems.length) {
        p.textContent = problemsText + ' (' + j.problems.length + ')';
        var ul = el('ul');
        ul.id = listId;
        j.problems.forEach(function (x) { ul.appendChild(el('li', x.message)); });
        out.appendChild(ul);
      } else if (j.detail) {
        out.appendChild(el('p', j.detail));
      }
    }
  };
}());
