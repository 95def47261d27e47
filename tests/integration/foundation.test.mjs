// The daemon as a process: health, the dispatcher's limits and error shape, graceful
// shutdown, and refusing to start in a bad environment without touching the database.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net, { createServer } from 'node:net';
import { request as httpRequest } from 'node:http';
import { createHash } from 'node:crypto';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { readFileSync, writeFileSync, chmodSync, existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  startDaemon, Client, tmpDir, uniqueEmail, PASSWORD, UJIKOMD, EXAMS_DIR, BACKEND,
} from './lib/daemon.mjs';

const d = await startDaemon();
after(async () => { await d.stop(); d.cleanup(); });
const c = new Client(d.url);

function assertErrorShape(r, status, name) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /application\/json/);
  assert.equal(typeof r.json?.error, 'string', 'error body has an "error" field');
  assert.equal(typeof r.json?.message, 'string', 'error body has a "message" field');
  if (name) assert.equal(r.json.error, name);
}

test('GET /healthz answers JSON with version, store status and exams loaded', async () => {
  const r = await c.get('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.store, 'ok');
  assert.match(r.json.version, /^\d+\.\d+\.\d+$/);
  assert.ok(Number.isInteger(r.json.exams), 'exams is a count');
  assert.ok(r.json.exams >= 17, `all shipped exams are loaded (got ${r.json.exams})`);
});

test('every response carries the security headers', async () => {
  const r = await c.get('/healthz');
  assert.match(r.headers.get('content-security-policy') || '', /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
});

test('an unknown path is 404 JSON', async () => {
  assertErrorShape(await c.get('/no/such/thing'), 404, 'not_found');
});

test('a wrong method is 405 JSON', async () => {
  assertErrorShape(await c.req('DELETE', '/healthz'), 405, 'method_not_allowed');
});

test('an over-long URL is 414', async () => {
  assertErrorShape(await c.get('/healthz?x=' + 'a'.repeat(5000)), 414, 'uri_too_long');
});

test('a body over the limit is 413', async () => {
  const big = JSON.stringify({ email: 'x@y.z', password: 'p'.repeat(70_000) });
  const r = await c.req('POST', '/api/auth/login', big, { headers: { 'Content-Type': 'application/json' }, raw: true });
  assertErrorShape(r, 413, 'body_too_large');
});

test('malformed JSON is 400 with a message', async () => {
  const r = await c.req('POST', '/api/auth/login', '{"email": ', { headers: { 'Content-Type': 'application/json' }, raw: true });
  assertErrorShape(r, 400, 'bad_json');
});

test('JSON nested deeper than the limit is 400', async () => {
  const deep = '['.repeat(100) + ']'.repeat(100);
  const r = await c.req('POST', '/api/auth/login', deep, { headers: { 'Content-Type': 'application/json' }, raw: true });
  assertErrorShape(r, 400, 'json_too_deep');
});

// fetch() normalises dot segments away, so these go out byte for byte.
function rawGet(target) {
  return new Promise((resolve, reject) => {
    const rq = httpRequest({ host: '127.0.0.1', port: d.port, path: target, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (b) => { text += b; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: new Headers(res.headers), text, json });
      });
    });
    rq.on('error', reject);
    rq.end();
  });
}

test('a path with dot segments or an encoded NUL is 400', async () => {
  for (const t of ['/static/../../etc/passwd', '/static/%2e%2e/%2e%2e/etc/passwd', '/a/./healthz', '/healthz%00', '/x%zz'])
    assertErrorShape(await rawGet(t), 400, 'bad_request');
});

test('headers larger than the limit are 431 JSON', async () => {
  // --max-header is 4096 by default.
  const r = await c.get('/healthz', { headers: { 'X-Big': 'b'.repeat(4150) } });
  assertErrorShape(r, 431, 'headers_too_large');
  // Just under the limit is fine.
  assert.equal((await c.get('/healthz', { headers: { 'X-Big': 'b'.repeat(3500) } })).status, 200);
});

// Sends raw bytes on a fresh connection; resolves to everything the server sent once it
// closed the connection (or what had come after 10 s).
function rawExchange(text) {
  return new Promise((resolve, reject) => {
    const s = net.connect(d.port, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => { s.destroy(); resolve({ reply: buf, closed: false }); }, 10_000);
    s.on('data', (b) => { buf += b.toString('latin1'); });
    s.on('close', () => { clearTimeout(timer); resolve({ reply: buf, closed: true }); });
    s.on('error', (e) => { if (!buf) reject(e); });
    s.write(text, 'latin1');
  });
}

test('a head too large for the connection pool is still refused cleanly, with a 431', async () => {
  // The pool holds the request head and the answer's header block; the dispatcher refuses
  // heads over --max-header with its JSON 431 while an answer still fits beside them, then
  // with the same answer written before closing, and libmicrohttpd refuses heads larger
  // than the pool itself with its own 431 and closes. No head gets a silent close.
  const pool = Number(spawnSync(UJIKOMD, ['--pool-size'], { encoding: 'utf8' }).stdout.trim());
  assert.ok(pool >= 4096 + 1024 && pool <= 16384, `pool of ${pool} bytes`);
  const head = (n) => `GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'b'.repeat(n)}\r\n\r\n`;
  for (let n = 4100; n < pool + 2000; n += 97) {
    const { reply, closed } = await rawExchange(head(n));
    assert.match(reply, /^HTTP\/1\.1 431 /, `a ${n}-byte header: ${reply.slice(0, 80) || '(nothing)'}`);
    if (n < pool - 400) {
      // the dispatcher's own answer: registry shape and the security headers (an API
      // answer's: its policy lets nothing load or frame it, no opener policy)
      assert.match(reply, /\r\nContent-Type: application\/json/i, `${n}: ${reply}`);
      assert.match(reply, /\r\nContent-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n/i, `${n}`);
      assert.match(reply, /\r\nX-Content-Type-Options: nosniff\r\n/i, `${n}`);
      assert.doesNotMatch(reply, /Cross-Origin-Opener-Policy/i, `${n}`);
      assert.match(reply, /\r\n\r\n\{"error":"headers_too_large","message":"[^"]+"\}$/, `${n}`);
    }
    assert.ok(closed, `${n}: the connection is closed after the answer`);
  }
  assert.equal((await c.get('/healthz')).status, 200, 'the daemon lives');
});

test('static assets: ETag, cache policy, 304, and no-store for a logged-in user', async () => {
  // Prebuilt answers are shared by every request; these are the headers each one carries.
  const identity = { 'Accept-Encoding': 'identity' }; // fetch asks for gzip unless told
  const first = await c.get('/static/app.css', { headers: identity });
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('content-encoding'), null);
  assert.equal(first.headers.get('vary'), 'Accept-Encoding');
  assert.match(first.headers.get('content-type'), /^text\/css/);
  const etag = first.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  assert.equal(first.headers.get('cache-control'), 'public, max-age=3600');
  // A style sheet carries the security headers that act on it, not the document-only ones.
  assert.equal(first.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(first.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(first.headers.get('content-security-policy'), null);
  const version = etag.slice(1, -1);
  const pinned = await c.get(`/static/app.css?v=${version}`, { headers: identity });
  assert.equal(pinned.headers.get('cache-control'), 'public, max-age=86400, immutable');
  assert.equal(pinned.text, first.text);
  const stale = await c.get('/static/app.css?v=0000000000000000', { headers: identity });
  assert.equal(stale.headers.get('cache-control'), 'public, max-age=3600');
  for (const inm of [etag, `W/${etag}`, `"x", ${etag}`, '*']) {
    const nm = await c.get('/static/app.css', { headers: { ...identity, 'If-None-Match': inm } });
    assert.equal(nm.status, 304, inm);
    assert.equal(nm.text, '');
    assert.equal(nm.headers.get('etag'), etag);
    assert.equal(nm.headers.get('x-content-type-options'), 'nosniff');
  }
  assert.equal((await c.get('/static/app.css', { headers: { ...identity, 'If-None-Match': '"0"' } })).status, 200);
  assert.equal((await c.get('/static/nope.css')).status, 404);
  // HEAD: the same headers, no body
  const head = await fetch(`${d.url}/static/app.css`, { method: 'HEAD', headers: identity });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('etag'), etag);
  assert.equal((await head.text()).length, 0);
  // Compressed once, sent to clients that accept gzip, under its own entity tag.
  const raw = (headers) => new Promise((resolve, reject) => {
    const req = httpRequest(`${d.url}/static/app.css`, { headers }, (res) => {
      const chunks = [];
      res.on('data', (b) => chunks.push(b));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
  const zipped = await raw({ 'Accept-Encoding': 'br;q=0.5, gzip;q=0.8' });
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(zipped.headers.vary, 'Accept-Encoding');
  assert.equal(zipped.headers.etag, `"${version}-gz"`);
  assert.ok(zipped.body.length < first.text.length / 2, `${zipped.body.length} of ${first.text.length} bytes`);
  assert.equal(gunzipSync(zipped.body).toString('utf8'), first.text);
  // and in brotli, under a tag of its own, to clients that prefer it (browsers do)
  const br = await raw({ 'Accept-Encoding': 'gzip, deflate, br, zstd' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers.etag, `"${version}-br"`);
  assert.equal(brotliDecompressSync(br.body).toString('utf8'), first.text);
  assert.ok(br.body.length < zipped.body.length, `brotli ${br.body.length}, gzip ${zipped.body.length} bytes`);
  assert.equal((await raw({ 'Accept-Encoding': 'br', 'If-None-Match': `"${version}-br"` })).status, 304);
  assert.equal((await raw({ 'Accept-Encoding': 'gzip', 'If-None-Match': `"${version}-gz"` })).status, 304);
  assert.equal((await raw({ 'Accept-Encoding': 'gzip', 'If-None-Match': etag })).status, 200);
  for (const ae of ['gzip;q=0', 'deflate', '*;q=0']) {
    const r = await raw({ 'Accept-Encoding': ae });
    assert.equal(r.headers['content-encoding'], undefined, ae);
    assert.equal(r.body.toString('utf8'), first.text, ae);
  }
  // Static assets are the same for everyone: a logged-in user's copy keeps its one
  // Cache-Control (issue 16: a second, no-store one kept them from being cached). Every
  // other answer to a logged-in user is never cached, prebuilt or not.
  const u = new Client(d.url);
  const email = uniqueEmail('static');
  assert.equal((await u.register('Dewi Aset', email, PASSWORD)).status, 201);
  assert.equal((await u.login(email, PASSWORD)).status, 200);
  const mine = await u.get('/static/app.css', { headers: identity });
  assert.equal(mine.status, 200);
  assert.equal(mine.text, first.text);
  assert.equal(mine.headers.get('cache-control'), 'public, max-age=3600');
  const minePinned = await u.get(`/static/app.css?v=${version}`, { headers: identity });
  assert.equal(minePinned.headers.get('cache-control'), 'public, max-age=86400, immutable');
  assert.equal(mine.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(mine.headers.get('content-security-policy'), null);
  const jwks = await u.get('/.well-known/jwks.json');
  assert.equal(jwks.status, 200);
  assert.match(jwks.headers.get('cache-control'), /no-store/);
  const anonJwks = await c.get('/.well-known/jwks.json');
  assert.equal(anonJwks.headers.get('cache-control'), 'public, max-age=300');
  assert.equal(anonJwks.headers.get('access-control-allow-origin'), '*');
  assert.equal(anonJwks.text, jwks.text);
  const jwksTag = anonJwks.headers.get('etag');
  assert.match(jwksTag, /^"[0-9a-f]{16}"$/);
  const jwksNm = await c.get('/.well-known/jwks.json', { headers: { 'If-None-Match': jwksTag } });
  assert.equal(jwksNm.status, 304);
  assert.equal(jwksNm.text, '');
  assert.equal(jwksNm.headers.get('etag'), jwksTag);
  assert.equal((await c.get('/.well-known/jwks.json', { headers: { 'If-None-Match': '"1"' } })).status, 200);
});

test('healthz answers from at most one second ago: uptime moves, body stays well formed', async () => {
  const a = await c.get('/healthz');
  await new Promise((r) => setTimeout(r, 2100));
  const b = await c.get('/healthz');
  assert.equal(b.status, 200);
  assert.equal(b.json.status, 'ok');
  assert.ok(b.json.uptime_s >= a.json.uptime_s + 2, `${a.json.uptime_s} -> ${b.json.uptime_s}`);
  assert.equal(b.headers.get('cache-control'), 'no-store');
});

test('SIGTERM stops the daemon with exit status 0', async () => {
  const d2 = await startDaemon();
  const r = await new Client(d2.url).get('/healthz');
  assert.equal(r.status, 200);
  const { code, signal } = await d2.stop('SIGTERM');
  assert.equal(signal, null, 'exited by itself, not killed');
  assert.equal(code, 0);
  d2.cleanup();
});

test('the access log is gathered by default: every line arrives whole and in order, the rest at SIGTERM', async () => {
  const d2 = await startDaemon({ logLevel: 'info', logFlushMs: null });
  try {
    const c2 = new Client(d2.url);
    const mark = d2.output().length;
    const tag = `gathered-${process.pid}`;
    const lines = () => d2.output().slice(mark).split('\n').filter((l) => l.includes(tag));
    // An access line is made once its answer has gone out, so a next request the client sends
    // on another connection (another worker) can finish and be logged first. Each line is
    // awaited before the next request: the order is then the one the lines were made in.
    for (let i = 0; i < 3; i++) {
      assert.equal((await c2.get(`/${tag}-${i}`)).status, 404);
      const end = Date.now() + 5000;
      while (lines().length < i + 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.equal(lines().length, i + 1, `access line ${i} within the flush interval:\n${d2.output().slice(mark)}`);
    }
    const got = lines();
    got.forEach((l, i) => assert.match(l, new RegExp(`^\\S+Z INFO \\[[0-9a-f]+\\] GET /${tag}-${i} 404 \\d+ \\d+\\.\\dms$`)));
    // A line made just before SIGTERM is written before the daemon's last line.
    assert.equal((await c2.get(`/${tag}-last`)).status, 404);
    const { code, signal } = await d2.stop('SIGTERM');
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    const out = d2.output().slice(mark);
    const last = out.indexOf(`GET /${tag}-last 404`);
    assert.ok(last >= 0, `the last access line is written at shutdown:\n${out}`);
    assert.ok(out.indexOf('stopped cleanly') > last, 'and before the daemon says it stopped');
  } finally {
    await d2.stop('SIGTERM'); // a failed assertion must not leave the daemon running
    d2.cleanup();
  }
});

function runDaemon(args) {
  return spawnSync(UJIKOMD, ['--exams-dir', EXAMS_DIR, '--log-level', 'warn', ...args], {
    encoding: 'utf8', timeout: 30_000,
  });
}

const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');

test('a data directory that cannot be written stops start-up with one clear message', () => {
  // Root ignores permission bits, so use a place nobody can create a directory in.
  const r = runDaemon(['--listen', '127.0.0.1:0', '--data-dir', '/proc/ujikom-cannot-be-here']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /data directory/);
  if (process.getuid && process.getuid() !== 0) {
    const dir = tmpDir();
    chmodSync(dir, 0o500);
    const r2 = runDaemon(['--listen', '127.0.0.1:0', '--data-dir', dir]);
    assert.notEqual(r2.status, 0);
    assert.match(r2.stderr, /not writable/);
  }
});

test('a corrupt database stops start-up and is left unchanged', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'ujikom.db');
  writeFileSync(db, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
  const before = sha(db);
  const r = runDaemon(['--listen', '127.0.0.1:0', '--data-dir', dir]);
  assert.notEqual(r.status, 0);
  assert.ok(r.stderr.trim().length > 0, 'says why');
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.equal(sha(db), before, 'database file unchanged');
  assert.ok(!existsSync(db + '-wal') || readFileSync(db + '-wal').length === 0, 'no WAL written');
});

test('a port already in use stops start-up with one clear message', async () => {
  const blocker = createServer();
  await new Promise((res) => blocker.listen(0, '127.0.0.1', res));
  const port = blocker.address().port;
  const dir = tmpDir();
  const r = runDaemon(['--listen', `127.0.0.1:${port}`, '--data-dir', dir]);
  blocker.close();
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: Address already in use/);
});

test('everything the daemon creates in its data directory is private to it', async () => {
  const parent = tmpDir();
  const dataDir = path.join(parent, 'data');
  const d3 = await startDaemon({ dataDir });
  try {
    const mode = (p) => statSync(p).mode & 0o777;
    assert.equal(mode(dataDir), 0o700, 'data directory');
    if (BACKEND === 'postgresql') {
      assert.ok(!existsSync(path.join(dataDir, 'ujikom.db')), 'no database file beside PostgreSQL');
    } else {
      assert.equal(mode(path.join(dataDir, 'ujikom.db')), 0o600, 'database');
    }
    assert.equal(mode(path.join(dataDir, 'keys')), 0o700, 'key directory');
    // the P-256 keys of the credential's JWT form live in keys/es256/, kept the same way
    assert.equal(mode(path.join(dataDir, 'keys', 'es256')), 0o700, 'keys/es256');
    for (const dir of ['keys', 'keys/es256']) {
      const files = readdirSync(path.join(dataDir, dir)).filter((f) => !(dir === 'keys' && f === 'es256'));
      assert.ok(files.some((f) => f.endsWith('.pem')), `${dir} holds a key`);
      for (const f of files)
        assert.equal(mode(path.join(dataDir, dir, f)), 0o600, `${dir}/${f}`);
    }
  } finally {
    await d3.stop();
  }
});

test('--help lists every option', () => {
  const r = spawnSync(UJIKOMD, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  for (const opt of ['--listen', '--data-dir', '--exams-dir', '--public-url', '--threads', '--max-body', '--max-url', '--conn-timeout', '--max-conns'])
    assert.ok(r.stdout.includes(opt), `--help mentions ${opt}`);
});

test('a bad option value is refused with the bounds', () => {
  const r = spawnSync(UJIKOMD, ['--threads', '100000'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--threads: must be between 0 and 256/);
});

test('a public URL that cannot name the issuer is refused at start', () => {
  const r = spawnSync(UJIKOMD, ['--public-url', 'lsp.contoh.id'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--public-url: 'lsp\.contoh\.id' is not an http:\/\/ or https:\/\/ URL/);
});

test('an issuer name or licence number no certificate could sign is refused at start', () => {
  // A line break pasted into the environment would otherwise fail every issuance.
  // (Bounded, on a data directory of its own: a daemon that took the value would start.)
  const args = ['--listen', '127.0.0.1:0', '--data-dir', path.join(tmpDir(), 'data')];
  const issuer = spawnSync(UJIKOMD, args, {
    encoding: 'utf8', timeout: 20_000, env: { ...process.env, UJIKOM_CERT_ISSUER: 'LSP Kriya\nNusantara' },
  });
  assert.equal(issuer.status, 2);
  assert.match(issuer.stderr, /--cert-issuer: the issuer's name must be 1-255 bytes of UTF-8 text/);
  const licence = spawnSync(UJIKOMD, [...args, '--cert-licence', 'BNSP-LSP-0042\t'],
    { encoding: 'utf8', timeout: 20_000 });
  assert.equal(licence.status, 2);
  assert.match(licence.stderr, /--cert-licence: the licence number must be UTF-8 text/);
});
