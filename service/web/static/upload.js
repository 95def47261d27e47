/* Evidence uploads: pick a file or take a photo, send it in chunks at the upload's durable
   offset (each chunk acknowledged once it is stored), progress shown, and resumed after a
   dropped connection or a reload. A browser cannot keep a picked file over a reload, so the
   upload's id is kept (localStorage) with the file's name, size and the SHA-256 of its first
   chunk; picking the same file again goes on from the offset the server gives.
   Each picker (.evidence-upload) says where its files go: on the exam page an evidence item
   (data-item; exam.js loads this script when one is first touched or an upload waits), on the
   application page the application's supporting documents (data-create, data-files,
   data-key); with data-remove, files listed there can be removed (both pages). The sending itself
   (window.ujikomUpload.send) also serves the observation sheet's photos (observe.js).
   Texts: the server's catalogue (#upload-strings); CSRF: the nearest data-csrf. */
(() => {
'use strict';
var D = document;
if (!window.fetch || !window.Blob || window.ujikomUpload) return;
var S = {}, E = {};
try { S = JSON.parse(D.getElementById('upload-strings').textContent); } catch (e) { }
try { E = JSON.parse(D.getElementById('exam-strings').textContent); } catch (e) { }
var CHUNK = 256 * 1024;
function t(k, v) {
  return (S['upload.' + k] || k).replace(/\{(\w+)\}/g, (m, n) => (v && n in v ? v[n] : m));
}
function size(n) {
  var u = (S['upload.size_units'] || 'B,KB,MB,GB').split(','), i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
}
function api(csrf, method, url, body, headers) {
  var h = Object.assign({ Accept: 'application/json', 'X-CSRF-Token': csrf }, headers || {});
  if (body && !(body instanceof Blob)) { h['Content-Type'] = 'application/json'; body = JSON.stringify(body); }
  return fetch(url, { method: method, headers: h, body: body, credentials: 'same-origin' }).then((res) =>
    res.json().catch(() => ({})).then((j) => ({ status: res.status, json: j, offset: res.headers.get('Upload-Offset') })));
}
var wait = (ms) => new Promise((ok) => setTimeout(ok, ms));
function online() {
  return navigator.onLine ? wait(1500) : new Promise((ok) => addEventListener('online', ok, { once: true }));
}
// The SHA-256 (hex) of the file's first chunk: tells the same file from another of its name and
// size when an upload is taken up again. Without Web Crypto (plain http), name and size alone.
function head(file) {
  if (!window.crypto || !crypto.subtle) return Promise.resolve('');
  return file.slice(0, CHUNK).arrayBuffer().then((b) => crypto.subtle.digest('SHA-256', b)).then((d) =>
    [].map.call(new Uint8Array(d), (x) => (x < 16 ? '0' : '') + x.toString(16)).join(''));
}

// Sends file (a Blob named name) into upload id from offset, waiting out lost connections,
// then completes it: resolves with the completion's answer, rejects with a refusal
// ({status, json}). show(key, values, percent) tells where it stands.
function send(csrf, file, name, id, offset, show) {
  var v = { name: name, total: size(file.size) };
  function step() {
    var pct = Math.floor(100 * offset / file.size);
    v.pct = pct;
    v.sent = size(offset);
    if (offset >= file.size) return finish();
    show('progress', v, pct);
    return api(csrf, 'PUT', '/api/uploads/' + id, file.slice(offset, offset + CHUNK),
      { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset) }).then((r) => {
      if (r.status === 200) { offset = r.json.offset; return step(); }
      if (r.status === 409 && r.offset !== null && r.json.error === 'upload_offset') { offset = Number(r.offset); return step(); }
      throw r;
    }, () => {
      // The connection dropped: wait for it, ask where the upload stands, go on from there.
      show('offline', v, pct);
      return online().then(() => api(csrf, 'GET', '/api/uploads/' + id)).then((r) => {
        if (r.status === 200) offset = r.json.offset;
        return step();
      }, () => step());
    });
  }
  function finish() {
    show('checking', v, 100);
    return api(csrf, 'POST', '/api/uploads/' + id + '/complete').then((r) => {
      if (r.status !== 200) throw r;
      return r.json;
    });
  }
  return step();
}
window.ujikomUpload = { api: api, send: send, t: t };
// On the exam page, changes made here keep the item being answered in place (exam.js).
function steady(fn) { return window.ujikomSteady ? window.ujikomSteady(fn) : fn(); }

// A listed file: its link (opens in a tab) and its hash, and a remove button when box takes
// removals (its text and label from the box's data-remove-text and data-remove-label).
function listed(list, box, href, name, sha) {
  var li = D.createElement('li'), a = D.createElement('a'), code = D.createElement('code');
  a.href = href + sha;
  a.target = '_blank';
  a.rel = 'noopener';
  a.textContent = name;
  code.className = 'sha256';
  code.textContent = sha;
  li.appendChild(a);
  li.appendChild(D.createTextNode(' '));
  li.appendChild(code);
  if (box.getAttribute('data-remove')) {
    var b = D.createElement('button');
    b.type = 'button';
    b.className = 'file-remove';
    b.setAttribute('data-sha', sha);
    b.textContent = box.getAttribute('data-remove-text');
    b.setAttribute('aria-label', box.getAttribute('data-remove-label').replace('{name}', name));
    li.appendChild(D.createTextNode(' '));
    li.appendChild(b);
  }
  list.appendChild(li);
  var none = list.parentNode.querySelector('.files-none');
  if (none) none.hidden = true;
}

function widget(box) {
  var exam = D.getElementById('exam'), attempt = exam ? exam.getAttribute('data-attempt') : '';
  var item = box.getAttribute('data-item');
  var create = box.getAttribute('data-create') || '/api/attempts/' + attempt + '/uploads';
  var href = box.getAttribute('data-files') || '/api/attempts/' + attempt + '/evidence/';
  var removeUrl = box.getAttribute('data-remove');
  var skey = 'ujikom.upload.' + (box.getAttribute('data-key') || attempt + '.' + item);
  var holder = box.closest('[data-csrf]'), fs = box.closest('fieldset');
  var csrf = () => (holder ? holder.getAttribute('data-csrf') : '');
  var input = box.querySelector('input[type=file]'), list = box.parentNode.querySelector('.evidence-list');
  var maxMb = Number(box.getAttribute('data-max-mb'));
  var status = D.createElement('p'), bar = D.createElement('progress');
  status.className = 'upload-state';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  bar.max = 100;
  bar.hidden = true;
  bar.setAttribute('aria-label', box.querySelector('label').textContent);
  box.appendChild(bar);
  box.appendChild(status);
  function load() {
    try { return JSON.parse(localStorage.getItem(skey)) || []; } catch (e) { return []; }
  }
  function save(l) {
    try { if (l.length) localStorage.setItem(skey, JSON.stringify(l)); else localStorage.removeItem(skey); } catch (e) { }
  }
  function show(k, v, pct) {
    steady(() => {
      status.textContent = t(k, v);
      status.setAttribute('data-state', k);
      bar.hidden = pct === undefined;
      if (pct !== undefined) bar.value = pct;
    });
  }
  function failed(name, r) {
    show('failed', { name: name, message: (r && r.json && r.json.message) || String(r && r.status) });
  }
  // Uploads left unfinished (a reload, a closed tab): say where each stopped.
  load().forEach((u) => api(csrf(), 'GET', '/api/uploads/' + u.id).then((r) => {
    if (r.status !== 200 || r.json.state !== 'open') return save(load().filter((x) => x.id !== u.id));
    var pct = Math.floor(100 * r.json.offset / r.json.size);
    show('resume_hint', { name: u.name, pct: pct }, pct);
  }, () => { }));

  function done(up, file, j) {
    save(load().filter((x) => x.id !== up.id));
    steady(() => {
      listed(list, box, href, j.name, j.sha256);
      show('done', { name: file.name });
      var st = fs && fs.querySelector('.save-state'); // an item's state, as exam.js shows it
      if (st) {
        st.setAttribute('data-state', 'saved');
        st.textContent = E.saved || st.textContent;
      }
      if (fs) fs.dispatchEvent(new Event('change', { bubbles: true })); // exam.js marks it answered
    });
  }
  function start(file) {
    if (file.size > maxMb * 1024 * 1024) return Promise.resolve(show('too_large', { name: file.name, mb: maxMb }));
    return head(file).then((h) => {
      var known = load().filter((u) => u.name === file.name && u.size === file.size && u.head === h)[0];
      var resumed = known ? api(csrf(), 'GET', '/api/uploads/' + known.id).then((r) =>
        (r.status === 200 && r.json.state === 'open' ? { up: known, offset: r.json.offset } : null)) : Promise.resolve(null);
      var body = item ? { item: item, name: file.name, size: file.size } : { name: file.name, size: file.size };
      return resumed.then((got) => got || api(csrf(), 'POST', create, body).then((r) => {
        if (r.status !== 201) throw r;
        var up = { id: r.json.id, name: file.name, size: file.size, head: h };
        save(load().filter((u) => !(u.name === up.name && u.size === up.size)).concat([up]));
        return { up: up, offset: 0 };
      })).then((got) => send(csrf(), file, file.name, got.up.id, got.offset, show).then((j) => done(got.up, file, j)));
    }).catch((r) => failed(file.name, r));
  }
  function picked() {
    var files = [].slice.call(input.files);
    input.value = '';
    files.reduce((p, f) => p.then(() => start(f)), Promise.resolve());
  }
  input.addEventListener('change', picked);
  if (input.files.length) picked(); // chosen before this script arrived (exam.js loads it)
  // Removing a file handed in: the server says whether it still may be (409 once final).
  if (removeUrl && list) {
    list.addEventListener('click', (ev) => {
      var b = ev.target.closest && ev.target.closest('button.file-remove');
      if (!b || !b.getAttribute('data-sha')) return;
      var li = b.closest('li'), name = li.querySelector('a').textContent;
      b.disabled = true;
      api(csrf(), 'DELETE', removeUrl + b.getAttribute('data-sha')).then((r) => {
        if (r.status !== 200) throw r;
        li.remove();
        var none = list.parentNode.querySelector('.files-none');
        if (none && !list.querySelector('li')) none.hidden = false;
        show('removed', { name: name });
        if (fs) fs.dispatchEvent(new Event('change', { bubbles: true })); // exam.js: answered or not
      }).catch((r) => { b.disabled = false; failed(name, r); });
    });
    // pressed before this script arrived (exam.js marks it): press it again now
    [].forEach.call(list.querySelectorAll('button.file-remove[data-pending]'), (b) => {
      b.removeAttribute('data-pending');
      b.click();
    });
  }
}
[].forEach.call(D.querySelectorAll('.evidence-upload'), widget);
})();
