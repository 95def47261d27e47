// The HTTP transport under hostile clients: request bodies have a deadline and dripping
// clients never starve others; heads with many or large cookies are served, bad
// Content-Length values and oversize heads get exactly one answer (one status line); the
// Origin check compares with --public-url's origin; HTTP/1.1 without Host is refused; a
// logged-in user's static asset has one Cache-Control; /lang?back= never writes raw spaces,
// controls or non-ASCII bytes into Location.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { withDaemon, Client, uniqueEmail, PASSWORD } from './lib/daemon.mjs';
import { rawRequest } from './lib/reliability.mjs';

// Status lines in a raw reply: exactly one per answer.
function statusLines(text) {
  return (text.match(/HTTP\/1\.[01] \d{3} /g) || []).length;
}

// The JSON body of a raw reply (after the blank line), or null.
function rawJson(text) {
  const i = text.indexOf('\r\n\r\n');
  try { return JSON.parse(text.slice(i + 4)); } catch { return null; }
}

// A client that sends a request head promising `length` body bytes, then one byte every
// `everyMs`; resolves to the milliseconds until the server closed the connection.
// With chunked, the body is sent in chunks of one byte instead.
function dripper(port, { localAddress = '127.0.0.1', length = 1000, everyMs = 400, path = '/api/auth/login', chunked = false } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    let timer = null;
    let got = '';
    const done = () => { clearInterval(timer); s.destroy(); resolve({ ms: Date.now() - t0, got }); };
    s.on('connect', () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`}\r\n\r\n`);
      timer = setInterval(() => { if (!s.destroyed) s.write(chunked ? '1\r\n \r\n' : ' '); }, everyMs);
    });
    s.on('data', (b) => { got += b.toString('latin1'); });
    s.on('error', done);
    s.on('close', done);
  });
}

// GET /healthz on a new connection (a kept-alive one would keep its slot): its status, or
// the error when the connection failed.
async function healthz(d) {
  const r = await rawRequest(d.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 3000);
  return r.status || `error:${r.error}`;
}

test('1: a dripping body is cut at --body-timeout and frees its slot', { timeout: 60_000 }, () => withDaemon({ args: ['--max-conns', '20', '--body-timeout', '2'] }, async (d) => {
  const drips = Array.from({ length: 25 }, (_, i) => dripper(d.port, { chunked: i % 2 === 1 }));
  await sleep(300);
  const closed = await Promise.all(drips);
  // Five are over --max-conns (503 at once); the twenty others are cut at the deadline
  // (2 s, checked every 250 ms), never after the idle timeout (30 s).
  for (const c of closed) assert.ok(c.ms < 4500, `a dripping client held its slot ${c.ms} ms`);
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push(await healthz(d));
  assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
}));

test('1: 25 dripping clients and --max-conns 20: /healthz keeps answering', { timeout: 60_000 }, () => withDaemon({
    args: ['--max-conns', '20', '--body-timeout', '2', '--max-conns-per-addr', '10'],
  }, async (d) => {
  // The attacker's 25 clients come from 127.0.0.2 and reconnect whenever cut; the
  // legitimate client asks /healthz from 127.0.0.1 four times a second meanwhile.
  let attacking = true;
  let cuts = 0;
  let longest = 0;
  const attacker = async () => {
    while (attacking) {
      const c = await dripper(d.port, { localAddress: '127.0.0.2' });
      cuts += 1;
      longest = Math.max(longest, c.ms);
      if (attacking) await sleep(20);
    }
  };
  const attackers = Array.from({ length: 25 }, attacker);
  await sleep(1000);
  const statuses = [];
  const until = Date.now() + 6000;
  while (Date.now() < until) {
    statuses.push(await healthz(d));
    await sleep(250);
  }
  attacking = false;
  await Promise.all(attackers);
  const bad = statuses.filter((s) => s !== 200);
  assert.deepEqual(bad, [], `healthz answers during the attack: ${statuses.join(',')}`);
  assert.ok(statuses.length >= 15, `only ${statuses.length} healthz answers in 6 s`);
  assert.ok(longest < 4500, `an attacker's connection lived ${longest} ms`);
  assert.ok(cuts >= 25, `attacker connections cut: ${cuts}`);
}));

test('1: a body sent at a normal pace within the deadline is served', { timeout: 30_000 }, () => withDaemon({ args: ['--body-timeout', '2'] }, async (d) => {
  const body = JSON.stringify({ email: 'nobody@contoh.test', password: 'x'.repeat(20) });
  const s = net.connect({ port: d.port, host: '127.0.0.1' });
  await new Promise((r) => s.once('connect', r));
  let got = '';
  s.on('data', (b) => { got += b.toString('latin1'); });
  s.write(`POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`);
  for (let i = 0; i < body.length; i += 8) {
    s.write(body.slice(i, i + 8));
    await sleep(40);
  }
  await sleep(500);
  s.destroy();
  assert.equal(statusLines(got), 1, got);
  assert.match(got, /^HTTP\/1\.1 401 /, got);
}));

test('9: heads with many or large cookies and bad Content-Length get one answer each', { timeout: 60_000 }, () => withDaemon({}, async (d) => {
  const head = (lines) => `${lines.join('\r\n')}\r\n\r\n`;
  const cookies = (n, len) => Array.from({ length: n }, (_, i) => `c${i}=${'v'.repeat(len)}`).join('; ');
  // 60 cookies of about 1 KB in all: served, far below --max-header (4096).
  const c60 = cookies(60, 12);
  assert.ok(c60.length >= 1000 && c60.length < 1200, String(c60.length));
  let r = await rawRequest(d.port, head(['GET / HTTP/1.1', 'Host: 127.0.0.1', 'Accept: text/html', `Cookie: ${c60}`, 'Connection: close']));
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.equal(statusLines(r.text), 1);
  // 60 cookies beside a real session: the user is still recognised.
  const u = new Client(d.url);
  const email = uniqueEmail('cookies');
  assert.equal((await u.register('Rudi Kuki', email, PASSWORD)).status, 201);
  assert.equal((await u.login(email, PASSWORD)).status, 200);
  for (let i = 0; i < 60; i++) u.cookies.set(`pref${i}`, 'x'.repeat(10));
  const me = await u.get('/api/auth/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, email);

  const cases = [
    { name: '80 cookies', lines: ['GET / HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${cookies(80, 12)}`], status: [200, 431] },
    { name: 'a 3,000-byte cookie', lines: ['GET / HTTP/1.1', 'Host: 127.0.0.1', `Cookie: big=${'b'.repeat(3000)}`], status: [200] },
    { name: '1,500 empty cookies', lines: ['GET / HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${'a;'.repeat(1500)}`], status: [200, 431] },
    { name: '400 short cookies', lines: ['GET / HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${cookies(400, 1)}`], status: [200, 431] },
    { name: 'Content-Length: -1', lines: ['POST /api/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: -1'], status: [400] },
    { name: 'Content-Length: 2^64', lines: ['POST /api/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 18446744073709551616'], status: [413] },
    { name: 'Content-Length: 2^63', lines: ['POST /api/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 9223372036854775808'], status: [413] },
    { name: 'Content-Length: 1x', lines: ['POST /api/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 1x'], status: [400] },
    { name: 'two Content-Length', lines: ['POST /api/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 2', 'Content-Length: 3'], status: [400] },
    { name: 'a 20 KB header', lines: ['GET / HTTP/1.1', 'Host: 127.0.0.1', `X-Big: ${'h'.repeat(20000)}`], status: [431] },
    { name: 'a header line without a colon', lines: ['GET / HTTP/1.1', 'Host: 127.0.0.1', 'NoColonHere'], status: [400] },
    { name: 'HTTP/2.0 request line', lines: ['GET / HTTP/2.0', 'Host: 127.0.0.1'], status: [505] },
  ];
  for (const c of cases) {
    r = await rawRequest(d.port, head([...c.lines, 'Connection: close']));
    assert.ok(r.status, `${c.name}: no answer (${r.error})`);
    assert.equal(statusLines(r.text), 1, `${c.name}: ${r.text.slice(0, 400)}`);
    assert.ok(c.status.includes(r.status), `${c.name}: status ${r.status}`);
    if (r.status !== 200 && r.status !== 505 && c.name !== 'a header line without a colon' && c.name !== 'a 20 KB header') {
      const j = rawJson(r.text);
      assert.ok(j && typeof j.error === 'string', `${c.name}: not the registry's shape: ${r.text.slice(0, 400)}`);
    }
  }
  // The same on a kept-alive connection, after a first answer.
  r = await rawRequest(d.port,
    head(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1']) +
    head(['POST /api/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: -1']));
  assert.equal(statusLines(r.text), 2, r.text);
  assert.match(r.text, /HTTP\/1\.1 400 /);
  // The daemon still serves.
  assert.equal(await healthz(d), 200);
}));

test('10: the Origin check compares scheme, host and port with --public-url', { timeout: 30_000 }, () => withDaemon({ args: ['--public-url', 'https://ujikom.contoh.test'] }, async (d) => {
  const c = new Client(d.url);
  const login = (origin) => c.post('/api/auth/login', { email: 'x@contoh.test', password: 'y'.repeat(12) },
    { headers: { Origin: origin } });
  // Same host, wrong scheme or port: cross-site.
  for (const origin of ['http://ujikom.contoh.test', 'https://ujikom.contoh.test:8443', 'https://evil.example',
    'https://ujikom.contoh.test.evil.example', `http://127.0.0.1:${d.port}`, 'null']) {
    const r = await login(origin);
    assert.equal(r.status, 403, `${origin}: ${r.status} ${r.text}`);
  }
  // The public origin is same-site whatever Host says (behind a proxy it differs).
  for (const origin of ['https://ujikom.contoh.test', 'https://UJIKOM.contoh.test', 'https://ujikom.contoh.test:443']) {
    const r = await login(origin);
    assert.equal(r.status, 401, `${origin}: ${r.status} ${r.text}`);
  }
}));

test('10: HTTP/1.1 without Host is refused; HTTP/1.0 without Host is served', { timeout: 30_000 }, () => withDaemon({}, async (d) => {
  let r = await rawRequest(d.port, 'GET /healthz HTTP/1.1\r\n\r\n');
  assert.equal(r.status, 400, r.text);
  assert.equal(statusLines(r.text), 1);
  assert.equal(rawJson(r.text)?.error, 'bad_request', r.text);
  r = await rawRequest(d.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n');
  assert.equal(r.status, 400, r.text);
  r = await rawRequest(d.port, 'GET /healthz HTTP/1.0\r\n\r\n');
  assert.equal(r.status, 200, r.text);
}));

test('10: a logged-in user\'s static asset carries exactly one Cache-Control', { timeout: 30_000 }, () => withDaemon({}, async (d) => {
  const u = new Client(d.url);
  const email = uniqueEmail('static');
  assert.equal((await u.register('Dewi Aset', email, PASSWORD)).status, 201);
  assert.equal((await u.login(email, PASSWORD)).status, 200);
  const anon = await new Client(d.url).get('/static/app.css');
  const version = /v=([0-9a-f]+)/.exec((await new Client(d.url).get('/', { headers: { Accept: 'text/html' } })).text)?.[1];
  for (const q of ['', `?v=${version}`]) {
    for (const ae of ['identity', 'gzip']) {
      const r = await rawRequest(d.port, `GET /static/app.css${q} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Cookie: ${u.cookieHeader()}\r\nAccept-Encoding: ${ae}\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, 200, r.text.slice(0, 300));
      const cc = r.text.slice(0, r.text.indexOf('\r\n\r\n')).split('\r\n').filter((l) => /^cache-control:/i.test(l));
      // The asset is the same for everyone: a session does not turn its caching off (issue 16).
      const policy = q ? 'public, max-age=86400, immutable' : 'public, max-age=3600';
      assert.deepEqual(cc, [`Cache-Control: ${policy}`], `${q} ${ae}`);
      const nm = await rawRequest(d.port, `GET /static/app.css${q} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Cookie: ${u.cookieHeader()}\r\nIf-None-Match: ${anon.headers.get('etag')}\r\nConnection: close\r\n\r\n`);
      const cc2 = nm.text.slice(0, nm.text.indexOf('\r\n\r\n')).split('\r\n').filter((l) => /^cache-control:/i.test(l));
      assert.equal(cc2.length, 1, nm.text.slice(0, 400));
    }
  }
}));

test('10: /lang?back= keeps Location to encoded same-site paths', { timeout: 30_000 }, () => withDaemon({}, async (d) => {
  const cases = [
    ['/exams%20x', '/exams%20x'],
    ['/a%20b?c=d%20e', '/a%20b?c=d%20e'],
    ['/ujian/%C3%A9', '/ujian/%C3%A9'],
    ['/x%09y', '/'],
    ['/x%0D%0ASet-Cookie:%20a=b', '/'],
    ['/x%7Fy', '/'],
    ['//evil.example', '/'],
    ['/%5Cevil.example', '/'],
    ['https://evil.example/', '/'],
    ['/plain/path?x=1', '/plain/path?x=1'],
  ];
  for (const [back, want] of cases) {
    const r = await rawRequest(d.port, `GET /lang?to=en&back=${back} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 303, `${back}: ${r.text.slice(0, 200)}`);
    const loc = /\r\nLocation: ([^\r\n]*)\r\n/i.exec(r.text)?.[1];
    assert.equal(loc, want, back);
    assert.match(loc, /^\/[\x21-\x7e]*$/, `${back}: Location has only printable ASCII`);
  }
}));
