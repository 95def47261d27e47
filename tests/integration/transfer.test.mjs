// How answers travel (issue 16, point 13): brotli or gzip, whichever the client prefers
// (q-values honoured, brotli on a tie), for every text answer of 1 KB or more, with Vary:
// Accept-Encoding, a Content-Length that is the compressed body's, HEAD alike and nothing
// compressed below the threshold; and
// exactly one Cache-Control on every answer of every route of the route table, anonymous
// and logged in (a logged-in user's static assets keep their immutable caching).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { startDaemon, candidateClient, adminClient, UJIKOMD } from './lib/daemon.mjs';

let d;
let cand;
let admin;
let attemptId;
let item;
before(async () => {
  d = await startDaemon();
  cand = await candidateClient(d);
  admin = await adminClient(d);
  const a = await cand.post('/api/exams/FSN-PBW-JR/attempts', {});
  assert.equal(a.status, 201, a.text);
  attemptId = a.json.id;
  item = (await cand.get(`/api/attempts/${attemptId}`)).json.form.units[0].items[0].id;
});
after(async () => {
  if (d) { await d.stop(); d.cleanup(); }
});

// One raw request: the headers as sent (rawHeaders keeps repeated ones apart) and the body
// as received, undecoded.
function raw(method, p, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${d.url}${p}`, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (b) => chunks.push(b));
      res.on('end', () => {
        const all = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) all.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
        const get = (n) => all.filter(([k]) => k === n).map(([, v]) => v);
        resolve({ status: res.statusCode, all, get, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const page = (c, extra = {}) => ({ Cookie: c.cookieHeader(), Accept: 'text/html', ...extra });

// The body decoded by its Content-Encoding.
function decode(r) {
  const enc = r.get('content-encoding');
  if (enc.length === 0) return r.body;
  assert.equal(enc.length, 1);
  return enc[0] === 'br' ? brotliDecompressSync(r.body) : gunzipSync(r.body);
}

test('pages and JSON of 1 KB or more go compressed, in brotli or gzip as the client prefers', async () => {
  const url = `/attempts/${attemptId}`;
  const plain = await raw('GET', url, page(cand, { 'Accept-Encoding': 'identity' }));
  assert.equal(plain.status, 200);
  assert.ok(plain.body.length > 20_000, `the 32-item page is large (${plain.body.length})`);
  assert.deepEqual(plain.get('content-encoding'), []);
  assert.deepEqual(plain.get('vary'), ['Accept-Encoding'], 'the answer varies with Accept-Encoding even when not compressed');
  assert.deepEqual(plain.get('content-length'), [String(plain.body.length)]);
  const withoutHeader = await raw('GET', url, page(cand));
  assert.deepEqual(withoutHeader.get('content-encoding'), [], 'no Accept-Encoding: identity');

  const sizes = {};
  for (const [ae, coding] of [['gzip', 'gzip'], ['gzip, deflate', 'gzip'], ['x-gzip', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'], ['br;q=0, *', 'gzip'], ['gzip, deflate, br, zstd', 'br'], ['br', 'br'],
    ['br;q=1, gzip;q=0.5', 'br'], ['deflate, br', 'br'], ['*', 'br'], ['identity;q=0.5, *;q=0.1', 'br'],
    ['gzip;q=0.000, *', 'br']]) {
    const z = await raw('GET', url, page(cand, { 'Accept-Encoding': ae }));
    assert.equal(z.status, 200, ae);
    assert.deepEqual(z.get('content-encoding'), [coding], ae);
    assert.deepEqual(z.get('vary'), ['Accept-Encoding'], ae);
    assert.deepEqual(z.get('content-length'), [String(z.body.length)], `${ae}: Content-Length is the compressed length`);
    assert.ok(z.body.length < plain.body.length / 3, `${ae}: ${z.body.length} of ${plain.body.length} bytes`);
    // The CSRF token and the deadline's milliseconds aside, the page is the same.
    const norm = (b) => b.toString('utf8').replace(/data-(remaining|server-now-ms)="\d+"/g, '').replace(/Sisa waktu: \d+ menit/, '');
    assert.equal(norm(decode(z)), norm(plain.body), ae);
    sizes[coding] = z.body.length;
  }
  assert.ok(sizes.br < sizes.gzip, `brotli ${sizes.br} bytes, gzip ${sizes.gzip}`);
  for (const ae of ['gzip;q=0', 'br;q=0, gzip;q=0', '*;q=0', 'deflate, zstd', 'identity', 'gzipx, brotli']) {
    const n = await raw('GET', url, page(cand, { 'Accept-Encoding': ae }));
    assert.deepEqual(n.get('content-encoding'), [], `${ae} accepts neither coding`);
    assert.deepEqual(n.get('vary'), ['Accept-Encoding'], ae);
  }

  // HEAD: the same headers and Content-Length as GET, no body, in either coding. The exam
  // page carries the server's clock (its deadline's milliseconds), so its compressed length
  // can move by a few bytes between two requests; the home page's bytes do not change, so
  // the lengths must be equal to the byte.
  const home = page(cand);
  const once = await raw('GET', '/', { ...home, 'Accept-Encoding': 'identity' });
  const twice = await raw('GET', '/', { ...home, 'Accept-Encoding': 'identity' });
  assert.equal(once.status, 200);
  assert.ok(once.body.length >= 1024, `the home page is compressed (${once.body.length} bytes)`);
  assert.ok(once.body.equals(twice.body), 'the home page is the same on two requests');
  for (const coding of ['gzip', 'br']) {
    for (const [p, loose] of [['/', false], [url, true]]) {
      const get = await raw('GET', p, page(cand, { 'Accept-Encoding': coding }));
      const head = await raw('HEAD', p, page(cand, { 'Accept-Encoding': coding }));
      assert.equal(head.status, 200);
      assert.deepEqual(head.get('content-encoding'), [coding]);
      assert.deepEqual(head.get('vary'), ['Accept-Encoding']);
      assert.equal(head.body.length, 0);
      const hl = Number(head.get('content-length')[0]);
      const what = `${coding} ${p}: HEAD's Content-Length ${hl} is the compressed GET's ${get.body.length}`;
      if (loose) assert.ok(Math.abs(hl - get.body.length) < 64 && hl < plain.body.length / 3, what);
      else assert.equal(hl, get.body.length, what);
    }
  }

  // JSON: a large list is compressed, a small answer is not (and does not vary).
  for (const coding of ['gzip', 'br']) {
    const exams = await raw('GET', '/api/exams', { 'Accept-Encoding': coding });
    assert.deepEqual(exams.get('content-encoding'), [coding]);
    assert.ok(decode(exams).length >= 1024);
    assert.ok(Array.isArray(JSON.parse(decode(exams).toString('utf8')).exams));
  }
  const me = await raw('GET', '/api/auth/me', { Cookie: cand.cookieHeader(), 'Accept-Encoding': 'gzip, br' });
  assert.equal(me.status, 200);
  assert.ok(me.body.length < 1024);
  assert.deepEqual(me.get('content-encoding'), [], 'a body under 1 KB is sent as it is');
  assert.deepEqual(me.get('vary'), []);
  // An error page is compressed like any page when large enough; a JSON error is tiny.
  const nf = await raw('GET', '/api/attempts/999999', { Cookie: cand.cookieHeader(), 'Accept-Encoding': 'gzip' });
  assert.equal(nf.status, 404);
  assert.deepEqual(nf.get('content-encoding'), []);
});

test('static assets: compressed once, and cached for logged-in users too', async () => {
  const css = await raw('GET', '/static/app.css', { 'Accept-Encoding': 'gzip' });
  const etag = css.get('etag')[0];
  const version = etag.replace(/^"|-gz"$/g, '');
  for (const c of [null, cand, admin]) {
    const h = { 'Accept-Encoding': 'gzip', ...(c ? { Cookie: c.cookieHeader() } : {}) };
    const pinned = await raw('GET', `/static/app.css?v=${version}`, h);
    assert.deepEqual(pinned.get('cache-control'), ['public, max-age=86400, immutable'], c ? c.email : 'anonymous');
    assert.deepEqual(pinned.get('content-encoding'), ['gzip']);
    const nm = await raw('GET', `/static/app.css?v=${version}`, { ...h, 'If-None-Match': etag });
    assert.equal(nm.status, 304);
    assert.deepEqual(nm.get('cache-control'), ['public, max-age=86400, immutable']);
  }
  // Each coding is its own entity: its own tag, and a tag of another coding is not a match.
  const tags = {};
  for (const coding of ['identity', 'gzip', 'br']) {
    const r = await raw('GET', `/static/app.css?v=${version}`, { 'Accept-Encoding': coding });
    tags[coding] = r.get('etag')[0];
    assert.deepEqual(r.get('content-encoding'), coding === 'identity' ? [] : [coding]);
    assert.deepEqual(r.get('vary'), ['Accept-Encoding']);
    const nm = await raw('GET', `/static/app.css?v=${version}`, { 'Accept-Encoding': coding, 'If-None-Match': tags[coding] });
    assert.equal(nm.status, 304, coding);
    assert.deepEqual(nm.get('etag'), [tags[coding]], coding);
  }
  assert.deepEqual(tags, { identity: `"${version}"`, gzip: `"${version}-gz"`, br: `"${version}-br"` });
  const other = await raw('GET', `/static/app.css?v=${version}`, { 'Accept-Encoding': 'br', 'If-None-Match': tags.gzip });
  assert.equal(other.status, 200, 'the gzip copy\'s tag does not match the brotli copy');
});

// The build's copies: minified and precompressed (the gzip and brotli copies decode to the
// minified text); scripts and style sheets carry nosniff and the referrer policy but not the
// document-only headers, which the service worker's script and every page keep.
test('static assets: the minified copy, precompressed; document-only headers on documents and the worker', async () => {
  for (const [p, doc] of [['/static/exam.js', false], ['/static/app.css', false], ['/static/sw.js', true], ['/me', true]]) {
    const r = await raw('GET', p, { 'Accept-Encoding': 'gzip', Cookie: cand.cookieHeader(), Accept: 'text/html' });
    assert.equal(r.status, 200, p);
    assert.deepEqual(r.get('x-content-type-options'), ['nosniff'], p);
    assert.deepEqual(r.get('referrer-policy'), ['no-referrer'], p);
    for (const h of ['content-security-policy', 'x-frame-options', 'cross-origin-opener-policy']) {
      assert.equal(r.get(h).length, doc ? 1 : 0, `${p}: ${h}`);
    }
  }
  const js = await raw('GET', '/static/exam.js', {});
  const gz = await raw('GET', '/static/exam.js', { 'Accept-Encoding': 'gzip' });
  assert.deepEqual(gz.get('content-encoding'), ['gzip']);
  assert.equal(gunzipSync(gz.body).toString(), js.body.toString(), 'the gzip copy is the same script');
  const text = js.body.toString();
  assert.ok(!/\n\s|\/\*|\n\/\//.test(text), 'no indentation or comments are sent');
  assert.ok(!/\bvar queue\b/.test(text), 'local names are minified');
  assert.ok(gz.body.length < 5000, `exam.js is ${gz.body.length} bytes compressed`);
  const br = await raw('GET', '/static/exam.js', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
  assert.deepEqual(br.get('content-encoding'), ['br']);
  assert.equal(brotliDecompressSync(br.body).toString(), js.body.toString(), 'the brotli copy is the same script');
  assert.ok(br.body.length < gz.body.length * 0.95, `exam.js: brotli ${br.body.length} bytes, gzip ${gz.body.length}`);
});

function routeTable() {
  const r = spawnSync(UJIKOMD, ['--routes'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

function concrete(pattern) {
  return pattern
    .replace(':id', String(attemptId)).replace(':attempt', String(attemptId))
    .replace(':item', encodeURIComponent(item)).replace(':exam', 'FSN-PBW-JR')
    .replace(':serial', 'UJK-0000-0000').replace(':token', 'x').replace('*', 'app.css');
}

test('every route answers with exactly one Cache-Control, anonymous and logged in', async () => {
  const routes = routeTable();
  assert.ok(routes.length > 50, `the table has its routes (${routes.length})`);
  const bad = [];
  let checked = 0;
  for (const rt of routes) {
    const p = concrete(rt.pattern);
    // State-changing requests carry no CSRF token and no body: refused without a change.
    const methods = rt.method === 'GET' ? ['GET', 'HEAD'] : [rt.method];
    for (const [who, c] of [['anonymous', null], ['candidate', cand], ['admin', admin]]) {
      for (const m of methods) {
        for (const accept of ['application/json', 'text/html']) {
          const h = { Accept: accept, 'Accept-Encoding': 'gzip', ...(c ? { Cookie: c.cookieHeader() } : {}) };
          const r = await raw(m, p, h);
          checked++;
          const cc = r.get('cache-control');
          if (cc.length !== 1) bad.push(`${who} ${m} ${p} (${accept}) ${r.status}: ${JSON.stringify(cc)}`);
          if (r.get('content-encoding').length && r.get('vary').length !== 1) bad.push(`${who} ${m} ${p}: gzip without one Vary`);
        }
      }
    }
  }
  assert.deepEqual(bad, [], `answers without exactly one Cache-Control (of ${checked})`);
  // The sessions survived (nothing above logged anyone out).
  assert.equal((await cand.get('/api/auth/me')).status, 200);
  assert.equal((await admin.get('/api/auth/me')).status, 200);
});
