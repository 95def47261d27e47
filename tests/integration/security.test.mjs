// Hostile input against the accounts API and the session layer: malformed bodies, cookies
// and Authorization headers are clear 4xx answers (never 5xx, never a crash), every answer
// carries the security headers, and nothing secret leaks into responses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { startDaemon, Client, tmpDir, uniqueEmail, PASSWORD } from './lib/daemon.mjs';
import { sql as dbRows } from './lib/reliability.mjs';

// Debug logging, so the test that searches the log for secrets sees everything logged.
const d = await startDaemon({ logLevel: 'debug' });
after(async () => {
  const st = await d.stop();
  assert.equal(st.code, 0, `daemon exit: ${JSON.stringify(st)}\n${d.output()}`);
  d.cleanup();
});

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:";

// A page (or anything a browser may show as a document) carries the pages' policy and the
// opener policy; an API answer (JSON, a JWT), data that never loads anything, one that lets
// nothing load and nothing frame it, and no opener policy (it acts on documents only).
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
function assertSecurityHeaders(r, where) {
  const csp = r.headers.get('content-security-policy') || '';
  const type = (r.headers.get('content-type') || '').split(';')[0];
  if (['application/json', 'application/ld+json', 'application/jwt'].includes(type)) {
    assert.equal(csp, API_CSP, `${where}: an API answer's policy`);
    assert.equal(r.headers.get('cross-origin-opener-policy'), null, where);
  } else {
    for (const part of [CSP, "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]) {
      assert.ok(csp.includes(part), `${where}: CSP has ${part} (got ${csp})`);
    }
    assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin', where);
  }
  assert.equal(r.headers.get('x-frame-options'), 'DENY', where);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', where);
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer', where);
}

async function loggedIn() {
  const c = new Client(d.url);
  const email = uniqueEmail('sec');
  assert.equal((await c.register('Rina Lestari', email, PASSWORD)).status, 201);
  assert.equal((await c.login(email, PASSWORD)).status, 200);
  return { c, email };
}

test('security headers on successes, errors, redirects and authenticated answers', async () => {
  const anon = new Client(d.url);
  const { c } = await loggedIn();
  const answers = {
    healthz: await anon.get('/healthz'),
    notFound: await anon.get('/no/such/page'),
    unauth: await anon.get('/api/auth/me'),
    badJson: await anon.req('POST', '/api/auth/login', '{', { headers: { 'Content-Type': 'application/json' }, raw: true }),
    badLogin: await anon.login('x@contoh.test', 'Salah-Sandi-12345'),
    me: await c.get('/api/auth/me'),
    page: await anon.get('/login', { headers: { Accept: 'text/html' } }),
    pageNotFound: await anon.get('/no/such/page', { headers: { Accept: 'text/html' } }),
    jwks: await anon.get('/.well-known/jwks.json'),
  };
  assert.match(answers.page.headers.get('content-type'), /^text\/html/);
  assert.match(answers.healthz.headers.get('content-type'), /^application\/json/);
  for (const [where, r] of Object.entries(answers)) assertSecurityHeaders(r, where);
  assert.equal(answers.me.headers.get('cache-control'), 'no-store');
});

test('non-object and mistyped JSON bodies are 400, not 500', async () => {
  const c = new Client(d.url);
  const bodies = ['[]', '"text"', '42', 'null', 'true', '{}',
    '{"email":5,"password":6}', '{"email":{"a":1},"password":[]}',
    '{"email":"siti@contoh.test","password":"p\\u0000ssword-long"}',
    '{"email":"siti@contoh.test","email":"x@contoh.test","password":"Kopi-Tubruk-2026!"}',
  ];
  for (const path of ['/api/auth/login', '/api/auth/register']) {
    for (const b of bodies) {
      const r = await c.req('POST', path, b, { headers: { 'Content-Type': 'application/json' }, raw: true });
      assert.ok(r.status === 400, `${path} ${b} -> ${r.status} ${r.text}`);
      assert.equal(typeof r.json?.error, 'string');
    }
  }
});

test('invalid UTF-8 and oversize fields are refused cleanly', async () => {
  const c = new Client(d.url);
  const bad = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc0, 0xaf, 0xff]), Buffer.from('@x.id","password":"Kopi-Tubruk-2026!"}')]);
  let r = await c.req('POST', '/api/auth/login', bad, { headers: { 'Content-Type': 'application/json' }, raw: true });
  assert.equal(r.status, 400, r.text);
  r = await c.post('/api/auth/login', { email: 'a'.repeat(300) + '@contoh.test', password: PASSWORD });
  assert.equal(r.status, 400, r.text);
  r = await c.post('/api/auth/login', { email: uniqueEmail(), password: 'x'.repeat(2000) });
  assert.equal(r.status, 400, r.text);
  r = await c.post('/api/auth/register', { name: 'Siti', email: uniqueEmail(), password: 'Aa1!'.repeat(300) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error, 'weak_password');
});

test('a form-encoded login is refused (JSON API), not crashed on', async () => {
  const r = await new Client(d.url).req('POST', '/api/auth/login', 'email=a%40b.id&password=x',
    { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: true });
  assert.equal(r.status, 400, r.text);
});

test('garbage session cookies and Authorization headers are just anonymous', async () => {
  const cookies = [
    'ujikom_session=', 'ujikom_session=short', 'ujikom_session=' + 'A'.repeat(42) + '=',
    'ujikom_session=' + 'A'.repeat(500), 'ujikom_session="' + 'A'.repeat(43) + '"',
    'ujikom_session=' + 'A'.repeat(43) + '; ujikom_session=' + 'B'.repeat(43),
    ';;;;=;=;ujikom_session', 'ujikom_session=%00%00', 'ujikom_session=../../etc/passwd',
  ];
  for (const cookie of cookies) {
    const r = await fetch(d.url + '/api/auth/me', { headers: { Cookie: cookie } });
    assert.equal(r.status, 401, `Cookie: ${cookie} -> ${r.status}`);
  }
  for (const auth of ['Bearer', 'Bearer ', 'Bearer x', 'bearer ' + 'A'.repeat(43), 'Basic dXNlcjpwYXNz',
    'Bearer ' + 'A'.repeat(43) + ' extra', 'Bearer ' + '\u00e9'.repeat(20)]) {
    const r = await fetch(d.url + '/api/auth/me', { headers: { Authorization: auth } });
    assert.equal(r.status, 401, `Authorization: ${auth} -> ${r.status}`);
  }
});

test('a raw request with a huge cookie and odd bytes gets an answer, the daemon lives', async () => {
  const reply = await new Promise((resolve, reject) => {
    const s = net.connect(d.port, '127.0.0.1');
    let buf = '';
    s.on('data', (b) => { buf += b.toString('latin1'); });
    s.on('end', () => resolve(buf));
    s.on('error', reject);
    s.write('GET /api/auth/me HTTP/1.1\r\nHost: x\r\nCookie: ujikom_session=' + 'A'.repeat(5000) +
      '\x01\x7f; lang=\xff\r\nAuthorization: Bearer \x00\r\nConnection: close\r\n\r\n', 'latin1');
  });
  assert.match(reply, /^HTTP\/1\.1 (400|401|431)/);
  assert.equal((await fetch(d.url + '/healthz')).status, 200);
});

test('answers never carry the password hash or the session token hash', async () => {
  const { c, email } = await loggedIn();
  const me = await c.get('/api/auth/me');
  assert.deepEqual(Object.keys(me.json.user).sort(), ['email', 'id', 'name', 'role']);
  assert.doesNotMatch(me.text, /scrypt|password/i);
  const login = await new Client(d.url).login(email, PASSWORD);
  assert.doesNotMatch(login.text, /\$scrypt\$/);
  assert.doesNotMatch(login.text, /[0-9a-f]{64}/, 'no token hash in the answer');
});

test('login CSRF: a cookie-bearing cross-site logout is refused', async () => {
  const { c } = await loggedIn();
  const r = await c.post('/api/auth/logout', {}, { headers: { Origin: 'http://evil.example' } });
  assert.equal(r.status, 403);
  assert.equal((await c.get('/api/auth/me')).status, 200);
});

test('a candidate cannot raise their role through registration fields', async () => {
  const c = new Client(d.url);
  const email = uniqueEmail('role');
  const r = await c.post('/api/auth/register', { name: 'Eko Prasetyo', email, password: PASSWORD, role: 'admin' });
  assert.equal(r.status, 201);
  assert.equal(r.json.user.role, 'candidate');
  assert.equal((await c.login(email, PASSWORD)).json.user.role, 'candidate');
});

test('the daemon log holds neither passwords nor tokens', async () => {
  const { c, email } = await loggedIn();
  const token = c.cookies.get('ujikom_session');
  await new Client(d.url).login(email, 'Sandi-Yang-Salah-99');
  const log = d.output();
  assert.ok(!log.includes(PASSWORD), 'password in the log');
  assert.ok(!log.includes('Sandi-Yang-Salah-99'), 'wrong password in the log');
  assert.ok(!log.includes(token), 'session token in the log');
});

// The database's shell (sqlite3 or psql) reads the daemon's database as an attacker with a
// copy would.
function sql(dataDir, query) {
  return dbRows(dataDir, query);
}

test('a stolen database holds scrypt hashes and token hashes, nothing replayable', async () => {
  const { c, email } = await loggedIn();
  const token = c.cookies.get('ujikom_session');
  const users = sql(d.dataDir, `SELECT password_hash FROM users WHERE email = '${email}'`);
  assert.match(users[0].password_hash, /^\$scrypt\$ln=12,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  const sessions = sql(d.dataDir, 'SELECT token_hash FROM sessions');
  assert.ok(sessions.length > 0);
  const expected = createHash('sha256').update(token).digest('hex');
  assert.ok(sessions.some((s) => s.token_hash === expected), 'the session is stored as SHA-256 of the token');
  assert.ok(sessions.every((s) => s.token_hash !== token));
  // Presenting the stored hash as a token gets nowhere.
  const replay = new Client(d.url);
  replay.cookies.set('ujikom_session', expected);
  assert.equal((await replay.get('/api/auth/me')).status, 401);
});

test('a disabled account loses its sessions and cannot log in', async () => {
  const { c, email } = await loggedIn();
  // The daemon has read the session (and keeps it: common/session_cache.h) before the
  // account is disabled beside it.
  assert.equal((await c.get('/api/auth/me')).status, 200);
  assert.equal((await c.get('/api/auth/me')).status, 200);
  sql(d.dataDir, `UPDATE users SET disabled = 1 WHERE email = '${email}'`);
  assert.equal((await c.get('/api/auth/me')).status, 401, 'the open session stops working');
  const again = await new Client(d.url).login(email, PASSWORD);
  assert.equal(again.status, 403);
  assert.equal(again.json.error, 'account_disabled');
  const wrong = await new Client(d.url).login(email, 'Bukan-Sandinya-77');
  assert.equal(wrong.status, 401, 'a wrong password says nothing about the account state');
});

// A session the daemon has used is ended, renamed or re-roled beside it (the `ujikom` CLI,
// another node, an SQL shell): the next request sees the change, never the daemon's copy.
test('a session ended or changed beside the daemon is seen at the next request', async () => {
  const { c, email } = await loggedIn();
  const { c: other } = await loggedIn();
  for (let i = 0; i < 2; i++) {
    assert.equal((await c.get('/api/auth/me')).status, 200);
    assert.equal((await other.get('/api/auth/me')).status, 200);
  }
  sql(d.dataDir, `UPDATE users SET name = 'Rina Berganti' WHERE email = '${email}'`);
  const me = await c.get('/api/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.name, 'Rina Berganti');
  const hash = createHash('sha256').update(c.cookies.get('ujikom_session')).digest('hex');
  sql(d.dataDir, `DELETE FROM sessions WHERE token_hash = '${hash}'`);
  assert.equal((await c.get('/api/auth/me')).status, 401, 'the ended session is refused');
  assert.equal((await other.get('/api/auth/me')).status, 200, 'the other session goes on');
});

test('raising --kdf-log2n upgrades old hashes at the next login', async () => {
  const dataDir = tmpDir();
  const d1 = await startDaemon({ dataDir, kdfLog2n: 11 });
  const email = uniqueEmail('upgrade');
  assert.equal((await new Client(d1.url).register('Yuni Astuti', email, PASSWORD)).status, 201);
  await d1.stop();
  assert.match(sql(dataDir, `SELECT password_hash FROM users WHERE email = '${email}'`)[0].password_hash, /^\$scrypt\$ln=11,/);
  const d2 = await startDaemon({ dataDir, kdfLog2n: 13 });
  try {
    assert.equal((await new Client(d2.url).login(email, PASSWORD)).status, 200);
    const h = sql(dataDir, `SELECT password_hash FROM users WHERE email = '${email}'`)[0].password_hash;
    assert.match(h, /^\$scrypt\$ln=13,/, 'rehashed at the new cost');
    assert.equal((await new Client(d2.url).login(email, PASSWORD)).status, 200, 'the new hash works');
  } finally {
    await d2.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
