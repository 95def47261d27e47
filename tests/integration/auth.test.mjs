// Accounts and sessions end to end against the real daemon: register, login, me, logout,
// log out everywhere, session fixation, CSRF, restarts, expiry, brute-force back-off and
// the registration limit.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { rmSync } from 'node:fs';
import { startDaemon, Client, tmpDir, uniqueEmail, PASSWORD } from './lib/daemon.mjs';

const d = await startDaemon();
after(async () => { await d.stop(); d.cleanup(); });

function sessionCookie(r) {
  const all = r.headers.getSetCookie ? r.headers.getSetCookie() : [];
  return all.find((c) => c.startsWith('ujikom_session=')) || null;
}

async function newAccount(base = d.url, name = 'Siti Rahayu') {
  const c = new Client(base);
  const email = uniqueEmail('auth');
  const r = await c.register(name, email, PASSWORD);
  assert.equal(r.status, 201, `register: ${r.status} ${r.text}`);
  return { c, email };
}

test('register, login, me and logout', async () => {
  const c = new Client(d.url);
  const email = uniqueEmail('flow');
  const reg = await c.register('Budi Santoso', email, PASSWORD);
  assert.equal(reg.status, 201, reg.text);
  assert.equal(reg.json.user.email, email);
  assert.equal(reg.json.user.role, 'candidate');
  assert.equal(reg.json.user.name, 'Budi Santoso');
  assert.ok(!('password_hash' in reg.json.user), 'no hash in the answer');

  assert.equal((await c.get('/api/auth/me')).status, 401, 'not logged in yet');

  const login = await c.login(email, PASSWORD);
  assert.equal(login.status, 200, login.text);
  assert.equal(login.json.user.email, email);
  assert.match(login.json.csrf, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(login.json.token, undefined, 'no bearer token unless asked for');
  const cookie = sessionCookie(login);
  assert.ok(cookie, 'login sets the session cookie');
  assert.match(cookie, /^ujikom_session=[A-Za-z0-9_-]{43};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.doesNotMatch(cookie, /Secure/, 'no Secure flag when the public URL is http');
  assert.equal(login.headers.get('cache-control'), 'no-store');

  const me = await c.get('/api/auth/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, email);
  assert.equal(me.json.csrf, login.json.csrf);
  assert.equal(me.headers.get('cache-control'), 'no-store', 'authenticated answers are not cached');

  const out = await c.post('/api/auth/logout', {});
  assert.equal(out.status, 200, out.text);
  assert.equal(c.cookies.has('ujikom_session'), false, 'logout deletes the cookie');
  assert.equal((await c.get('/api/auth/me')).status, 401);
});

test('wrong password and unknown account get the same 401', async () => {
  const { email } = await newAccount();
  const c = new Client(d.url);
  const wrong = await c.login(email, 'Salah-Sandi-12345');
  const unknown = await c.login(uniqueEmail('nobody'), 'Salah-Sandi-12345');
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.deepEqual(wrong.json, unknown.json, 'no hint which addresses have accounts');
  assert.equal(wrong.json.error, 'bad_credentials');
  const upper = await c.login(email.toUpperCase(), PASSWORD);
  assert.equal(upper.status, 200, 'e-mail addresses match regardless of case');
});

test('weak and common passwords are refused at registration', async () => {
  const c = new Client(d.url);
  for (const pw of ['pendek', 'bismillah123', 'Indonesia2024!', 'sayangku123', 'rahasia2025',
    '1234567890', 'qwertyuiop', 'p@ssw0rd123', 'aaaaaaaaaaaa', 'Rahayu-2026-xyz']) {
    const r = await c.register('Siti Rahayu', uniqueEmail('weak'), pw);
    assert.equal(r.status, 400, `"${pw}" should be refused: ${r.status} ${r.text}`);
    assert.equal(r.json.error, 'weak_password', pw);
    assert.ok(r.json.message.length > 10, 'the message says why');
  }
});

test('an e-mail address can register once, in any case', async () => {
  const { email } = await newAccount();
  const r = await new Client(d.url).register('Orang Lain', email.toUpperCase(), PASSWORD);
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'email_taken');
});

test('bad registration fields are 400 with a message', async () => {
  const c = new Client(d.url);
  const cases = [
    { name: '', email: uniqueEmail(), password: PASSWORD },
    { name: 'A\u0007B', email: uniqueEmail(), password: PASSWORD },
    { name: 'x'.repeat(201), email: uniqueEmail(), password: PASSWORD },
    { name: 'Siti', email: 'bukan-email', password: PASSWORD },
    { name: 'Siti', email: 'a@b@c.id', password: PASSWORD },
    { name: 'Siti', email: 'spasi @contoh.id', password: PASSWORD },
    { name: 'Siti', email: 42, password: PASSWORD },
    { name: 'Siti', email: uniqueEmail() },
    { name: 'Siti', email: uniqueEmail(), password: ['array'] },
  ];
  for (const body of cases) {
    const r = await c.post('/api/auth/register', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.status} ${r.text}`);
    assert.equal(typeof r.json.message, 'string');
  }
});

test('a new session token at every login (no session fixation)', async () => {
  const { c, email } = await newAccount();
  // An attacker plants a well-formed token in the victim's browser before login.
  const planted = 'A'.repeat(43);
  c.cookies.set('ujikom_session', planted);
  const first = await c.login(email, PASSWORD);
  assert.equal(first.status, 200);
  const t1 = c.cookies.get('ujikom_session');
  assert.notEqual(t1, planted, 'the planted token is replaced');
  const second = await c.login(email, PASSWORD);
  assert.equal(second.status, 200);
  const t2 = c.cookies.get('ujikom_session');
  assert.notEqual(t2, t1, 'logging in again issues a fresh token');
  assert.notEqual(second.json.csrf, first.json.csrf, 'and a fresh CSRF token');
  // The session the second login came with has ended.
  const old = new Client(d.url);
  old.cookies.set('ujikom_session', t1);
  assert.equal((await old.get('/api/auth/me')).status, 401);
  assert.equal((await c.get('/api/auth/me')).status, 200);
});

test('state-changing requests without the CSRF token are refused', async () => {
  const { c, email } = await newAccount();
  assert.equal((await c.login(email, PASSWORD)).status, 200);
  const token = c.csrf;

  c.csrf = null; // JSON without X-CSRF-Token
  let r = await c.post('/api/auth/logout', {});
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error, 'csrf');

  r = await c.post('/api/auth/logout', {}, { headers: { 'X-CSRF-Token': 'x'.repeat(43) } });
  assert.equal(r.status, 403, 'a wrong token is refused');

  // An HTML form post without the csrf field, then with it.
  const form = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: true };
  r = await c.post('/api/auth/logout', 'x=1', form);
  assert.equal(r.status, 403, r.text);
  assert.equal((await c.get('/api/auth/me')).status, 200, 'the refused requests did nothing');
  r = await c.post('/api/auth/logout', `x=1&csrf=${encodeURIComponent(token)}`, form);
  assert.equal(r.status, 200, r.text);
  assert.equal((await c.get('/api/auth/me')).status, 401);
});

test('the CSRF token of one session does not work for another', async () => {
  const a = await newAccount();
  const b = await newAccount();
  assert.equal((await a.c.login(a.email, PASSWORD)).status, 200);
  assert.equal((await b.c.login(b.email, PASSWORD)).status, 200);
  const r = await a.c.post('/api/auth/logout', {}, { headers: { 'X-CSRF-Token': b.c.csrf } });
  assert.equal(r.status, 403);
});

test('bearer tokens work without cookies and are exempt from CSRF', async () => {
  const { email } = await newAccount();
  const c = new Client(d.url);
  const r = await c.post('/api/auth/login', { email, password: PASSWORD, bearer: true });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.token, /^[A-Za-z0-9_-]{43}$/);
  const api = new Client(d.url);
  const auth = { headers: { Authorization: `Bearer ${r.json.token}` } };
  const me = await api.get('/api/auth/me', auth);
  assert.equal(me.status, 200);
  assert.equal(me.json.user.email, email);
  const bad = await api.get('/api/auth/me', { headers: { Authorization: 'Bearer ' + 'B'.repeat(43) } });
  assert.equal(bad.status, 401);
  const out = await api.post('/api/auth/logout', {}, auth);
  assert.equal(out.status, 200, 'no CSRF token needed with a bearer token');
  assert.equal((await api.get('/api/auth/me', auth)).status, 401, 'the token is dead after logout');
  const badBearer = await c.post('/api/auth/login', { email, password: PASSWORD, bearer: 'yes' });
  assert.equal(badBearer.status, 400);
});

test('"log out everywhere" ends every session of the user', async () => {
  const { email } = await newAccount();
  const laptop = new Client(d.url);
  const phone = new Client(d.url);
  assert.equal((await laptop.login(email, PASSWORD)).status, 200);
  assert.equal((await phone.login(email, PASSWORD)).status, 200);
  const phoneCookie = phone.cookies.get('ujikom_session');
  const other = await newAccount();
  assert.equal((await other.c.login(other.email, PASSWORD)).status, 200);

  const r = await laptop.post('/api/auth/logout-all', {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sessions, 2);
  assert.equal((await laptop.get('/api/auth/me')).status, 401);
  assert.equal((await phone.get('/api/auth/me')).status, 401, 'the phone cookie stopped working');
  const replay = new Client(d.url);
  replay.cookies.set('ujikom_session', phoneCookie);
  assert.equal((await replay.get('/api/auth/me')).status, 401);
  assert.equal((await other.c.get('/api/auth/me')).status, 200, 'other users keep their sessions');
  assert.equal((await new Client(d.url).post('/api/auth/logout-all', {})).status, 401);
});

// Browsers' own User-Agent headers: a test site's computer, a candidate's phone.
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const ANDROID_SAMSUNG = 'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36';

test('the sessions list marks this one and names each device; signing out of the others keeps it', async () => {
  const { email } = await newAccount();
  const laptop = new Client(d.url, { headers: { 'User-Agent': WINDOWS_CHROME } });
  const phone = new Client(d.url, { headers: { 'User-Agent': ANDROID_SAMSUNG } });
  const tablet = new Client(d.url, { headers: { 'User-Agent': `<b>${'x'.repeat(1500)}</b>` } });
  for (const c of [laptop, phone, tablet]) assert.equal((await c.login(email, PASSWORD)).status, 200);
  const other = await newAccount();
  assert.equal((await other.c.login(other.email, PASSWORD)).status, 200);

  const list = await laptop.get('/api/auth/sessions');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.sessions.length, 3, 'the user\'s sessions, not another user\'s');
  assert.deepEqual(list.json.sessions.map((s) => s.current).sort(), [false, false, true]);
  for (const s of list.json.sessions) {
    for (const k of ['started_at', 'last_used_at', 'expires_at']) assert.match(s[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, k);
    assert.ok(s.expires_at > s.last_used_at, 'a listed session is still valid');
    assert.equal(s.checkin, false);
  }
  assert.equal((await phone.get('/api/auth/sessions')).json.sessions.filter((s) => s.current).length, 1);
  // The kind of device each came from (the browser and system families, never the header);
  // a header that names nothing known gives null.
  const devices = (l) => l.json.sessions.map((s) => JSON.stringify(s.device)).sort();
  assert.deepEqual(devices(list), ['null', '{"browser":"chrome","os":"windows"}', '{"browser":"samsung","os":"android"}']);
  assert.deepEqual(list.json.sessions.find((s) => s.current).device, { browser: 'chrome', os: 'windows' });
  const listed = await laptop.get('/account/sessions', { headers: { Accept: 'text/html' } });
  for (const t of ['<th scope="col"', '>Perangkat<', '>Chrome di Windows<', '>Samsung Internet di Android<', '>Tidak dikenali<']) {
    assert.ok(listed.text.includes(t), `the sessions page shows ${t}`);
  }
  assert.ok(!listed.text.includes('xxxx'), 'nothing of a header is shown');
  laptop.cookies.set('lang', 'en'); // the language switch's cookie
  const english = await laptop.get('/account/sessions', { headers: { Accept: 'text/html' } });
  laptop.cookies.delete('lang');
  assert.ok(english.text.includes('>Samsung Internet on Android<'), 'in English too');
  assert.ok(english.text.includes('>Not recognised<'));

  // The dashboard says where else the account is signed in, with the way to sign them out.
  const dash = await laptop.get('/me', { headers: { Accept: 'text/html' } });
  const elsewhere = dash.text.match(/<p class="notice" id="other-sessions">(.*?)<\/p>/);
  assert.ok(elsewhere, 'the dashboard names the other sessions');
  assert.match(elsewhere[1], /^Akun Anda juga sedang masuk di 2 perangkat lain: /);
  assert.ok(elsewhere[1].includes('Samsung Internet di Android') && elsewhere[1].includes('Tidak dikenali'), elsewhere[1]);
  assert.ok(!elsewhere[1].includes('Chrome di Windows'), 'not the device in use');
  assert.ok(elsewhere[1].includes('href="/account/sessions"'));

  // One device alone: the tablet's session, by its id; the phone and the laptop stay.
  for (const x of list.json.sessions) assert.match(x.id, /^[0-9a-f]{16}$/);
  assert.equal(new Set(list.json.sessions.map((x) => x.id)).size, 3, 'ids tell the sessions apart');
  const tabletId = list.json.sessions.find((x) => x.device === null).id;
  assert.equal((await other.c.post(`/api/auth/sessions/${tabletId}/end`, {})).status, 404, 'not another user\'s');
  assert.equal((await tablet.get('/api/auth/me')).status, 200, 'untouched by that');
  for (const bad of ['0000000000000000', 'ZZZZ', tabletId.toUpperCase(), `${tabletId}0`]) {
    const nf = await laptop.post(`/api/auth/sessions/${bad}/end`, {});
    assert.equal(nf.status, 404, bad);
    assert.equal(nf.json.error, 'session_not_found');
  }
  const one = await laptop.post(`/api/auth/sessions/${tabletId}/end`, {});
  assert.equal(one.status, 200, one.text);
  assert.deepEqual(one.json, { ok: true });
  assert.equal((await tablet.get('/api/auth/me')).status, 401, 'the tablet is signed out');
  assert.equal((await phone.get('/api/auth/me')).status, 200, 'the phone stays');
  assert.equal((await laptop.post(`/api/auth/sessions/${tabletId}/end`, {})).status, 404, 'once');
  laptop.cookies.set('lang', 'en');
  const dashEn = await laptop.get('/me', { headers: { Accept: 'text/html' } });
  laptop.cookies.delete('lang');
  assert.match(dashEn.text, /id="other-sessions">Your account is also signed in on 1 other device: Samsung Internet on Android\./);
  assert.equal((await new Client(d.url).post(`/api/auth/sessions/${tabletId}/end`, {})).status, 401);
  assert.equal((await tablet.login(email, PASSWORD)).status, 200, 'the tablet signs in again');

  const r = await laptop.post('/api/auth/logout-others', {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sessions, 2);
  assert.equal((await laptop.get('/api/auth/me')).status, 200, 'this session stays');
  assert.equal((await phone.get('/api/auth/me')).status, 401);
  assert.equal((await tablet.get('/api/auth/me')).status, 401);
  assert.equal((await other.c.get('/api/auth/me')).status, 200, 'other users keep their sessions');
  const after = await laptop.get('/api/auth/sessions');
  assert.deepEqual(after.json.sessions.map((s) => s.current), [true]);
  assert.ok(!(await laptop.get('/me', { headers: { Accept: 'text/html' } })).text.includes('id="other-sessions"'),
    'signed in nowhere else: nothing said');
  assert.equal((await laptop.post('/api/auth/logout-others', {})).json.sessions, 0, 'again: none left');
  // The same from the page, without scripts: the form posts, the page comes back with a notice.
  assert.equal((await phone.login(email, PASSWORD)).status, 200);
  const page = await laptop.get('/account/sessions', { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.equal((page.text.match(/ id="session-current"/g) || []).length, 1);
  assert.match(page.text, /action="\/account\/sessions\/logout-others"/);
  // The page's own button for the phone's row, without scripts.
  const phoneId = (await laptop.get('/api/auth/sessions')).json.sessions.find((x) => !x.current).id;
  assert.ok(page.text.includes(`action="/account/sessions/${phoneId}/end"`), 'a form for the other device');
  assert.ok(!page.text.includes(`/account/sessions/${(await laptop.get('/api/auth/sessions')).json.sessions.find((x) => x.current).id}/end`),
    'none for the device in use');
  const endOne = await laptop.req('POST', `/account/sessions/${phoneId}/end`,
    new URLSearchParams({ csrf: laptop.csrf, _next: '/account/sessions?notice=session_ended' }).toString(),
    { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, raw: true });
  assert.equal(endOne.status, 303, endOne.text.slice(0, 200));
  assert.equal(endOne.headers.get('location'), '/account/sessions?notice=session_ended');
  assert.equal((await phone.get('/api/auth/me')).status, 401);
  assert.match((await laptop.get('/account/sessions?notice=session_ended', { headers: { Accept: 'text/html' } })).text,
    /Sesi itu telah dikeluarkan/);
  assert.equal((await phone.login(email, PASSWORD)).status, 200);
  const form = new URLSearchParams({ csrf: laptop.csrf, _next: '/account/sessions?notice=sessions_ended' }).toString();
  const posted = await laptop.req('POST', '/account/sessions/logout-others', form,
    { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, raw: true });
  assert.equal(posted.status, 303, posted.text.slice(0, 200));
  assert.equal(posted.headers.get('location'), '/account/sessions?notice=sessions_ended');
  assert.equal((await phone.get('/api/auth/me')).status, 401);
  const done = await laptop.get('/account/sessions?notice=sessions_ended', { headers: { Accept: 'text/html' } });
  assert.match(done.text, /Anda telah keluar dari semua perangkat lain/);
  assert.match(done.text, /id="sessions-none"/);
  // Without a session: 401, and a bearer token is a session too.
  assert.equal((await new Client(d.url).post('/api/auth/logout-others', {})).status, 401);
  assert.equal((await new Client(d.url).get('/api/auth/sessions')).status, 401);
});

test('the dashboard counts every other session, naming the three used last', async () => {
  const { email } = await newAccount();
  const here = new Client(d.url);
  assert.equal((await here.login(email, PASSWORD)).status, 200);
  for (let i = 0; i < 6; i++) assert.equal((await new Client(d.url).login(email, PASSWORD)).status, 200);
  const dash = await here.get('/me', { headers: { Accept: 'text/html' } });
  const elsewhere = dash.text.match(/<p class="notice" id="other-sessions">(.*?)<\/p>/);
  assert.ok(elsewhere, dash.text.slice(0, 300));
  assert.match(elsewhere[1], /^Akun Anda juga sedang masuk di 6 perangkat lain: Tidak dikenali, Tidak dikenali, Tidak dikenali, …\. <a /);
});

test('cross-origin login and registration posts are refused', async () => {
  const { email } = await newAccount();
  const c = new Client(d.url);
  const evil = { headers: { Origin: 'http://evil.example' } };
  let r = await c.post('/api/auth/login', { email, password: PASSWORD }, evil);
  assert.equal(r.status, 403, r.text);
  r = await c.post('/api/auth/register', { name: 'X Y', email: uniqueEmail(), password: PASSWORD }, evil);
  assert.equal(r.status, 403, r.text);
  r = await c.post('/api/auth/login', { email, password: PASSWORD },
    { headers: { Origin: d.url } });
  assert.equal(r.status, 200, 'same-origin browser posts are fine');
});

test('sessions survive a daemon restart', async () => {
  const dataDir = tmpDir();
  const d1 = await startDaemon({ dataDir });
  const c = new Client(d1.url);
  const email = uniqueEmail('restart');
  assert.equal((await c.register('Dewi Lestari', email, PASSWORD)).status, 201);
  assert.equal((await c.login(email, PASSWORD)).status, 200);
  const cookie = c.cookies.get('ujikom_session');
  const st = await d1.stop();
  assert.equal(st.code, 0);
  const d2 = await startDaemon({ dataDir });
  try {
    const again = new Client(d2.url);
    again.cookies.set('ujikom_session', cookie);
    const me = await again.get('/api/auth/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.email, email);
  } finally {
    await d2.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('sessions end after the idle time', async () => {
  const dd = await startDaemon({ args: ['--session-idle', '1'] });
  try {
    const { c, email } = await newAccount(dd.url);
    assert.equal((await c.login(email, PASSWORD)).status, 200);
    assert.equal((await c.get('/api/auth/me')).status, 200);
    await sleep(1300);
    assert.equal((await c.get('/api/auth/me')).status, 401, 'idle session expired');
  } finally {
    await dd.stop();
    dd.cleanup();
  }
});

test('sessions end at the absolute limit', async () => {
  const dd = await startDaemon({ args: ['--session-max', '1', '--session-idle', '3600'] });
  try {
    const { c, email } = await newAccount(dd.url);
    assert.equal((await c.login(email, PASSWORD)).status, 200);
    assert.match(sessionCookie(await c.login(email, PASSWORD)), /Max-Age=1\b/);
    await sleep(1300);
    assert.equal((await c.get('/api/auth/me')).status, 401, 'session past its absolute limit');
  } finally {
    await dd.stop();
    dd.cleanup();
  }
});

test('a login brute-force run is throttled; the owner gets in after the back-off', async () => {
  const dd = await startDaemon({
    args: ['--login-max-failures', '3', '--login-backoff', '1', '--login-backoff-max', '8',
      '--login-window', '600'],
  });
  try {
    const { email } = await newAccount(dd.url);
    const attacker = new Client(dd.url);
    const statuses = [];
    let limited = null;
    for (let i = 0; i < 10 && !limited; i++) {
      const r = await attacker.login(email, `Tebakan-Salah-${i}x`);
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    assert.deepEqual(statuses, [401, 401, 401, 429], 'three failures, then the back-off');
    assert.equal(limited.json.error, 'rate_limited');
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 1, `Retry-After ${retry}`);

    // During the back-off even the right password waits (the guesser cannot tell).
    const owner = new Client(dd.url);
    assert.equal((await owner.login(email, PASSWORD)).status, 429);

    // Another failure after the back-off doubles it.
    await sleep(retry * 1000 + 100);
    assert.equal((await attacker.login(email, 'Tebakan-Salah-lagi')).status, 401);
    const again = await attacker.login(email, 'Tebakan-Salah-lagi2');
    assert.equal(again.status, 429);
    const retry2 = Number(again.headers.get('retry-after'));
    assert.equal(retry2, 2, 'the back-off grows');

    // The owner logs in once it has run out, and that clears the account's count.
    await sleep(retry2 * 1000 + 100);
    const ok = await owner.login(email, PASSWORD);
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await owner.get('/api/auth/me')).status, 200);
    assert.equal((await attacker.login(email, 'Tebakan-Salah-x')).status, 401, 'count was reset');
  } finally {
    await dd.stop();
    dd.cleanup();
  }
});

test('parallel guesses cannot slip past the account limit', async () => {
  const dd = await startDaemon({
    args: ['--login-max-failures', '3', '--login-backoff', '60', '--login-window', '600',
      '--threads', '4'],
  });
  try {
    const { email } = await newAccount(dd.url);
    const tries = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      new Client(dd.url).login(email, `Tebakan-Paralel-${i}x`)));
    const counts = {};
    for (const r of tries) counts[r.status] = (counts[r.status] || 0) + 1;
    assert.deepEqual(counts, { 401: 3, 429: 9 }, 'exactly the allowed number of guesses ran');
  } finally {
    await dd.stop();
    dd.cleanup();
  }
});

test('one address guessing across many accounts is throttled too', async () => {
  const dd = await startDaemon({
    args: ['--login-ip-max-failures', '4', '--login-backoff', '30', '--login-window', '600'],
  });
  try {
    const c = new Client(dd.url);
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await c.login(uniqueEmail('spray'), 'Kata-Sandi-Umum-1')).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
  } finally {
    await dd.stop();
    dd.cleanup();
  }
});

test('registrations per address are limited', async () => {
  const dd = await startDaemon({ args: ['--register-per-hour', '3'] });
  try {
    const c = new Client(dd.url);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const r = await c.register('Agus Wibowo', uniqueEmail('reg'), PASSWORD);
      statuses.push(r.status);
      if (r.status === 429) {
        const retry = Number(r.headers.get('retry-after'));
        assert.ok(retry > 0 && retry <= 3600, `Retry-After ${retry}`);
      }
    }
    assert.deepEqual(statuses, [201, 201, 201, 429]);
  } finally {
    await dd.stop();
    dd.cleanup();
  }
});

test('the session cookie is Secure and HTTPS is made sticky (HSTS) when the public URL is https', async () => {
  // Over plain HTTP (the default public URL) there is no HSTS: browsers ignore it there.
  const plain = await new Client(d.url).get('/login', { headers: { Accept: 'text/html' } });
  assert.equal(plain.headers.get('strict-transport-security'), null);
  const dd = await startDaemon({ args: ['--public-url', 'https://ujikom.contoh.id'] });
  try {
    const { c, email } = await newAccount(dd.url);
    const r = await c.login(email, PASSWORD);
    assert.equal(r.status, 200);
    assert.match(sessionCookie(r), /; Secure/);
    assert.equal(r.headers.get('strict-transport-security'), 'max-age=31536000');
    for (const p of ['/login', '/no/such/page', '/verify']) {
      const page = await new Client(dd.url).get(p, { headers: { Accept: 'text/html' } });
      assert.equal(page.headers.get('strict-transport-security'), 'max-age=31536000', p);
    }
  } finally {
    await dd.stop();
    dd.cleanup();
  }
});

test('changing the password ends every other session and needs the current one', async () => {
  const { c, email } = await newAccount();
  const other = new Client(d.url);
  assert.equal((await c.login(email, PASSWORD)).status, 200);
  assert.equal((await other.login(email, PASSWORD)).status, 200);
  const oldCookie = c.cookies.get('ujikom_session');

  let r = await c.post('/api/auth/password', { current_password: 'Bukan-Sandinya-1', new_password: 'Songket-Palembang-88' });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error, 'wrong_password');
  r = await c.post('/api/auth/password', { current_password: PASSWORD, new_password: 'bismillah2026' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'weak_password');
  const noCsrf = await c.post('/api/auth/password', { current_password: PASSWORD, new_password: 'Songket-Palembang-88' },
    { headers: { 'X-CSRF-Token': '' } });
  assert.equal(noCsrf.status, 403, 'needs the CSRF token like any state change');

  r = await c.post('/api/auth/password', { current_password: PASSWORD, new_password: 'Songket-Palembang-88' });
  assert.equal(r.status, 200, r.text);
  c.csrf = r.json.csrf;
  assert.notEqual(c.cookies.get('ujikom_session'), oldCookie, 'this client gets a fresh session');
  assert.equal((await c.get('/api/auth/me')).status, 200);
  assert.equal((await other.get('/api/auth/me')).status, 401, 'the other session ended');
  assert.equal((await new Client(d.url).login(email, PASSWORD)).status, 401, 'old password is dead');
  assert.equal((await new Client(d.url).login(email, 'Songket-Palembang-88')).status, 200);
});
