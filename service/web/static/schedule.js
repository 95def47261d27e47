/* ujikom: the import of candidates on a schedule's page. The chosen file (XLSX or CSV) is
   sent as it is to the API, first as a dry run ("check"), then for real ("commit"); the
   report lists every row's problem, or the new accounts' one-time activation links (also
   as a CSV download, each text cell guarded against formulas). */
(function () {
  'use strict';
  var form = document.getElementById('import-form');
  if (!form || !window.fetch || !window.ujikomImport) return;
  var out = document.getElementById('import-report');
  function t(name) { return form.getAttribute('data-t-' + name) || name; }
  var el = window.ujikomImport.el;
  function guard(s) {
    s = String(s);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return '"' + s.replace(/"/g, '""') + '"';
  }
  function linksCsv(links) {
    var rows = [[t('name'), t('email'), t('link'), 'expires_at'].map(guard).join(',')];
    links.forEach(function (l) {
      rows.push([l.name, l.email, l.url, l.expires_at].map(guard).join(','));
    });
    return '\ufeff' + rows.join('\r\n') + '\r\n';
  }
  function show(status, j, commit) {
    out.replaceChildren();
    var p = el('p');
    p.id = 'import-outcome';
    out.appendChild(p);
    if (status === 200 || status === 201) {
      p.textContent = (commit ? t('done') : t('ready')) + ' ' + j.rows + ' / ' +
        j.new_accounts + ' / ' + j.existing_accounts;
      p.className = 'notice ok';
      if (commit && j.links && j.links.length) {
        out.appendChild(el('h3', t('links')));
        var table = el('table'), head = el('tr');
        table.id = 'import-links';
        [t('name'), t('email'), t('link')].forEach(function (x) { head.appendChild(el('th', x)); });
        table.appendChild(head);
        j.links.forEach(function (l) {
          var tr = el('tr');
          tr.appendChild(el('td', l.name));
          tr.appendChild(el('td', l.email));
          var td = el('td'), code = el('code', l.url);
          td.appendChild(code);
          tr.appendChild(td);
          table.appendChild(tr);
        });
        var wrap = el('div');
        wrap.className = 'table-wrap';
        wrap.appendChild(table);
        out.appendChild(wrap);
        var a = el('a', t('download'));
        a.id = 'import-links-csv';
        a.className = 'button secondary';
        a.download = 'tautan-aktivasi.csv';
        a.href = URL.createObjectURL(new Blob([linksCsv(j.links)], { type: 'text/csv' }));
        out.appendChild(a);
        if (j.mailing) {
          // Whether every link went to the mail queue; the ones that did not must be handed out.
          var m = el('p', j.mailed ? t('mailed')
            : t('mail-partial') + ' ' + j.mailed_links + ' / ' + j.links.length);
          m.id = 'import-mail';
          m.className = j.mailed ? 'notice ok' : 'notice warn';
          out.insertBefore(m, out.querySelector('h3'));
        }
      }
      return;
    }
    window.ujikomImport.refusal(out, p, j, status, t('problems'), 'import-problems');
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var commit = ev.submitter && ev.submitter.value === 'commit';
    var file = form.elements.file.files[0];
    if (!file) return;
    var xlsx = /\.xlsx$/i.test(file.name);
    window.ujikomImport.send(form, form.getAttribute('data-import') + (commit ? '?commit=1' : ''), file,
      xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
      function (status, j) { show(status, j, commit); });
  });
}());
