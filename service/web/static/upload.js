/* Evidence uploads on the exam page: pick a file or take a photo, send it in chunks at the
   upload's durable offset (each chunk acknowledged once it is stored), progress shown, and
   resumed after a dropped connection or a reload. A browser cannot keep a picked file over a
   reload, so the upload's id is kept (localStorage) with the file's name, size and the SHA-256
   of its first chunk; picking the same file again goes on from the offset the server gives.
   exam.js loads this script when an evidence item is first touched (or an upload waits).
   Texts: the server's catalogue (#upload-strings). */
(() => {
'use strict';
var D = document, root = D.getElementById('exam');
if (!root || !window.fetch || !window.Blob) return;
var S = {}, E = {};
try { S = JSON.parse(D.getElementById('upload-strings').textContent); } catch (e) { }
try { E = JSON.parse(D.getElementById('exam-strings').textContent); } catch (e) { }
var CHUNK = 256 * 1024;
var attempt = root.getAttribute('data-attempt');
function t(k, v) {
  return (S['upload.' + k] || k).replace(/\{(\w+)\}/g, (m, n) => (v && n in v ? v[n] : m));
}
function size(n) {
  var u = (S['upload.size_units'] || 'B,KB,MB,GB').split(','), i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
}
function key(item) { return 'ujikom.upload.' + attempt + '.' + item; }
function load(item) {
  try { return JSON.parse(localStorage.getItem(key(item))) || []; } catch (e) { return []; }
}
function save(item, list) {
  try { if (list.length) localStorage.setItem(key(item), JSON.stringify(list)); else localStorage.removeItem(key(item)); } catch (e) { }
}
function csrf() { return root.getAttribute('data-csrf'); }
function api(method, url, body, headers) {
  var h = Object.assign({ Accept: 'application/json', 'X-CSRF-Token': csrf() }, headers || {});
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

function widget(box) {
  var item = box.getAttribute('data-item'), fs = box.closest('fieldset');
  var input = box.querySelector('input[type=file]'), list = fs.querySelector('.evidence-list');
  var maxMb = Number(box.getAttribute('data-max-mb'));
  var status = D.createElement('p'), bar = D.createElement('progress');
  status.className = 'upload-state';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  bar.max = 100;
  bar.hidden = true;
  box.appendChild(bar);
  box.appendChild(status);
  function show(k, v, pct) {
    status.textContent = t(k, v);
    status.setAttribute('data-state', k);
    bar.hidden = pct === undefined;
    if (pct !== undefined) bar.value = pct;
  }
  // Uploads left unfinished (a reload, a closed tab): say where each stopped.
  load(item).forEach((u) => api('GET', '/api/uploads/' + u.id).then((r) => {
    if (r.status !== 200 || r.json.state !== 'open') return save(item, load(item).filter((x) => x.id !== u.id));
    var pct = Math.floor(100 * r.json.offset / r.json.size);
    show('resume_hint', { name: u.name, pct: pct }, pct);
  }, () => { }));

  function send(file, up, offset) {
    var v = { name: file.name, total: size(file.size) };
    function step() {
      var pct = Math.floor(100 * offset / file.size);
      v.pct = pct;
      v.sent = size(offset);
      if (offset >= file.size) return finish();
      show('progress', v, pct);
      return api('PUT', '/api/uploads/' + up.id, file.slice(offset, offset + CHUNK),
        { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset) }).then((r) => {
        if (r.status === 200) { offset = r.json.offset; return step(); }
        if (r.status === 409 && r.offset !== null && r.json.error === 'upload_offset') { offset = Number(r.offset); return step(); }
        throw r;
      }, () => {
        // The connection dropped: wait for it, ask where the upload stands, go on from there.
        show('offline', v, pct);
        return online().then(() => api('GET', '/api/uploads/' + up.id)).then((r) => {
          if (r.status === 200) offset = r.json.offset;
          return step();
        }, () => step());
      });
    }
    function finish() {
      show('checking', v, 100);
      return api('POST', '/api/uploads/' + up.id + '/complete').then((r) => {
        if (r.status !== 200) throw r;
        save(item, load(item).filter((x) => x.id !== up.id));
        var li = D.createElement('li'), a = D.createElement('a'), code = D.createElement('code');
        a.href = '/api/attempts/' + attempt + '/evidence/' + r.json.sha256;
        a.target = '_blank';
        a.rel = 'noopener';
        a.textContent = r.json.name;
        code.className = 'sha256';
        code.textContent = r.json.sha256;
        li.appendChild(a);
        li.appendChild(D.createTextNode(' '));
        li.appendChild(code);
        list.appendChild(li);
        show('done', v);
        var st = fs.querySelector('.save-state'); // the item's state, as exam.js shows it
        if (st) {
          st.setAttribute('data-state', 'saved');
          st.textContent = E.saved || st.textContent;
        }
        fs.dispatchEvent(new Event('change', { bubbles: true })); // exam.js marks it answered
      });
    }
    return step();
  }

  function start(file) {
    if (file.size > maxMb * 1024 * 1024) return Promise.resolve(show('too_large', { name: file.name, mb: maxMb }));
    return head(file).then((h) => {
      var known = load(item).filter((u) => u.name === file.name && u.size === file.size && u.head === h)[0];
      var resumed = known ? api('GET', '/api/uploads/' + known.id).then((r) =>
        (r.status === 200 && r.json.state === 'open' ? { up: known, offset: r.json.offset } : null)) : Promise.resolve(null);
      return resumed.then((got) => got || api('POST', '/api/attempts/' + attempt + '/uploads',
        { item: item, name: file.name, size: file.size }).then((r) => {
        if (r.status !== 201) throw r;
        var up = { id: r.json.id, name: file.name, size: file.size, head: h };
        save(item, load(item).filter((u) => !(u.name === up.name && u.size === up.size)).concat([up]));
        return { up: up, offset: 0 };
      })).then((got) => send(file, got.up, got.offset));
    }).catch((r) => show('failed', { name: file.name, message: (r && r.json && r.json.message) || String(r && r.status) }));
  }
  function picked() {
    var files = [].slice.call(input.files);
    input.value = '';
    files.reduce((p, f) => p.then(() => start(f)), Promise.resolve());
  }
  input.addEventListener('change', picked);
  if (input.files.length) picked(); // chosen before this script arrived (exam.js loads it)
}
[].forEach.call(D.querySelectorAll('.evidence-upload'), widget);
})();
