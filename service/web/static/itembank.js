/* ujikom: the item bank import on /admin/bank-soal. The chosen file is sent as it is to the
   API with the format, item id prefix and KUK ids; the answer's report lists every question
   (imported, or not mapped with the reason) and the YAML fragment is offered as a download.
   Everything from the file is shown as text, never as markup. */
(function () {
  'use strict';
  var form = document.getElementById('itembank-form');
  if (!form || !window.fetch || !window.ujikomImport) return;
  var out = document.getElementById('itembank-report');
  function t(name) { return form.getAttribute('data-t-' + name) || name; }
  var el = window.ujikomImport.el;
  function table(entries) {
    var tbl = el('table'), head = el('tr');
    tbl.id = 'itembank-entries';
    [t('where'), t('item'), t('type'), t('category'), t('note')].forEach(function (x) {
      var th = el('th', x);
      th.scope = 'col';
      head.appendChild(th);
    });
    var thead = el('thead'), tbody = el('tbody');
    thead.appendChild(head);
    tbl.appendChild(thead);
    entries.forEach(function (e) {
      var tr = el('tr');
      tr.appendChild(el('td', t('at-' + e.at).replace('{n}', e.line)));
      tr.appendChild(el('td', e.item_id || t('not-mapped')));
      tr.appendChild(el('td', e.type || ''));
      tr.appendChild(el('td', e.category || ''));
      tr.appendChild(el('td', e.note || ''));
      if (!e.item_id) tr.className = 'warn';
      tbody.appendChild(tr);
    });
    tbl.appendChild(tbody);
    var wrap = el('div');
    wrap.className = 'table-wrap';
    wrap.appendChild(tbl);
    return wrap;
  }
  function show(status, j) {
    out.replaceChildren();
    var p = el('p');
    p.id = 'itembank-outcome';
    out.appendChild(p);
    if (status === 200) {
      p.className = 'notice ok';
      p.textContent = t('outcome').replace('{mapped}', j.mapped).replace('{unmapped}', j.unmapped);
      out.appendChild(table(j.entries || []));
      var a = el('a', t('download'));
      a.id = 'itembank-download';
      a.className = 'button';
      a.download = 'fragmen-soal.yaml';
      a.href = URL.createObjectURL(new Blob([j.yaml], { type: 'text/yaml' }));
      out.appendChild(a);
      return;
    }
    window.ujikomImport.refusal(out, p, j, status, t('problems'), 'itembank-problems');
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var file = form.elements.file.files[0];
    if (!file) return;
    var q = new URLSearchParams({
      format: form.elements.format.value, prefix: form.elements.prefix.value,
      kuk: form.elements.kuk.value, file: file.name
    });
    window.ujikomImport.send(form, form.getAttribute('data-import') + '?' + q.toString(), file,
      'application/octet-stream', show);
  });
}());
