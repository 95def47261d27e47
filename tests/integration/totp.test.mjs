// The staff second factor (TOTP, RFC 6238) against the real daemon: enrolment (JSON and the
// page with its QR code), log-in with a code, a wrong code counted like a wrong password, a
// replayed code refused, a recovery code that works once, the secret sealed at rest,
// `--staff-2fa required` keeping unenrolled staff out of staff routes, and the CLI reset.
// Codes are computed in the test with node's crypto (lib/totp.mjs: HMAC-SHA1, 30 s, 6 digits), so the
// test checks the daemon against the RFC, not against itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDaemon, stopClean, Client, candidateClient, cli, uniqueEmail, PASSWORD } from './lib/daemon.mjs';
import { sql, haveSqliteCli } from './lib/reliability.mjs';
import { base32Decode, totp, wrongCode } from './lib/totp.mjs';

let d;
let admin; // the admin who reads the audit log

// A staff account made with the CLI, logged in with its password alone (no factor yet).
async function staff(role = 'admin', daemon = d) {
  const email = uniqueEmail(role);
  const r = cli(['admin', 'create', '--email', email, '--name', 'Staf Dua Faktor', '--role', role], {
    input: `${PASSWORD}\n`, dataDir: daemon.dataDir,
  });
  assert.equal(r.status, 0, r.stderr);
  const c = new Client(daemon.url);
  const l = await c.login(email, PASSWORD);
  assert.equal(l.status, 200, l.text);
  assert.ok(l.json.csrf, 'no factor yet: the password gives a session');
  c.email = email;
  c.id = l.json.user.id;
  return c;
}

// Enrols c's second factor through the JSON API; returns { secret, codes }.
async function enrol(c) {
  const begin = await c.post('/api/auth/2fa/enrol', {});
  assert.equal(begin.status, 200, begin.text);
  const { secret, uri } = begin.json;
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.ok(uri.startsWith('otpauth://totp/'), uri);
  assert.ok(uri.includes(`secret=${secret}`), uri);
  assert.ok(uri.includes(encodeURIComponent(c.email).replace(/%40/g, '%40')), uri);
  const ok = await c.post('/api/auth/2fa/confirm', { code: totp(secret) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.recovery_codes.length, 10);
  for (const code of ok.json.recovery_codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  return { secret, codes: ok.json.recovery_codes };
}

// The password step: 200 with a ticket and no session.
async function passwordStep(email, daemon = d) {
  const c = new Client(daemon.url);
  const r = await c.post('/api/auth/login', { email, password: PASSWORD });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.second_factor, 'totp');
  assert.match(r.json.ticket, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(r.json.csrf, undefined, 'no session before the code');
  assert.equal(c.cookies.has('ujikom_session'), false, 'no session cookie before the code');
  assert.equal((await c.get('/api/auth/me')).status, 401);
  return { c, ticket: r.json.ticket };
}

async function auditActions(userId) {
  const r = await admin.get(`/api/admin/audit?subject=user:${userId}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((e) => e.action);
}

before(async () => {
  d = await startDaemon({ args: ['--login-max-failures', '3'] });
  admin = await staff('admin');
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
});

test('enrolment: state, secret and URI, confirmation with a code, recovery codes once', async () => {
  const c = await staff('assessor');
  const none = await c.get('/api/auth/2fa');
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.json, { state: 'none', required: false, recovery_codes_left: 0 });
  const begin = await c.post('/api/auth/2fa/enrol', {});
  assert.equal(begin.status, 200, begin.text);
  assert.equal((await c.get('/api/auth/2fa')).json.state, 'pending');
  // A wrong first code does not confirm.
  const wrong = await c.post('/api/auth/2fa/confirm', { code: wrongCode(begin.json.secret) });
  assert.equal(wrong.status, 401, wrong.text);
  assert.equal(wrong.json.error, 'second_factor_wrong');
  assert.equal((await c.get('/api/auth/2fa')).json.state, 'pending');
  const ok = await c.post('/api/auth/2fa/confirm', { code: totp(begin.json.secret) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(new Set(ok.json.recovery_codes).size, 10, 'ten distinct recovery codes');
  assert.deepEqual((await c.get('/api/auth/2fa')).json, { state: 'confirmed', required: false, recovery_codes_left: 10 });
  // Confirmed: no second enrolment over it, and no second confirmation.
  assert.equal((await c.post('/api/auth/2fa/enrol', {})).json.error, 'second_factor_enrolled');
  assert.equal((await c.post('/api/auth/2fa/confirm', { code: totp(begin.json.secret, 1) })).json.error, 'second_factor_not_pending');
  assert.ok((await auditActions(c.id)).includes('user.second_factor.enrol'));
});

test('the enrolment page shows the QR code and the secret, and confirms with a form', async () => {
  const c = await staff('admin');
  const page = await c.get('/account/2fa');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('cache-control') || '', /no-store/);
  assert.ok(page.text.includes('action="/account/2fa/enrol"'), page.text);
  assert.ok(page.text.includes('href="/account/2fa"'), 'staff find the page in the navigation');
  const form = (fields) => new URLSearchParams({ csrf: c.csrf, ...fields }).toString();
  const opts = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
  const en = await c.post('/account/2fa/enrol', form({}), opts);
  assert.equal(en.status, 200, en.text);
  assert.match(en.headers.get('cache-control') || '', /no-store/);
  assert.ok(en.text.includes('<svg'), 'the QR code is inline');
  const secret = /<code id="secret">([A-Z2-7]{32})<\/code>/.exec(en.text)?.[1];
  assert.ok(secret, 'the secret is shown for typing');
  const done = await c.post('/account/2fa/confirm', form({ code: totp(secret) }), opts);
  assert.equal(done.status, 200, done.text);
  assert.equal((done.text.match(/<li><code>[0-9A-Z]{5}-[0-9A-Z]{5}<\/code><\/li>/g) || []).length, 10);
  assert.equal((await c.get('/api/auth/2fa')).json.state, 'confirmed');
});

test('the secret is stored sealed, never in clear', { skip: !haveSqliteCli() && 'no sqlite3 CLI' }, async () => {
  const c = await staff('assessor');
  const { secret } = await enrol(c);
  const rows = sql(d.dataDir, `SELECT secret_sealed, state FROM staff_second_factor WHERE user_id = ${c.id}`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].state, 'confirmed');
  const raw = base32Decode(secret);
  assert.ok(!rows[0].secret_sealed.includes(secret), 'not the base32 text');
  assert.ok(!rows[0].secret_sealed.includes(raw.toString('hex')), 'not hex');
  assert.ok(!rows[0].secret_sealed.includes(raw.toString('base64url').slice(0, 20)), 'not base64url');
  const codes = sql(d.dataDir, `SELECT code_hash FROM staff_recovery_codes WHERE user_id = ${c.id}`);
  assert.equal(codes.length, 10);
  for (const row of codes) assert.match(row.code_hash, /^[0-9a-f]{64}$/);
});

test('login with a code: the password alone gives no session, the code does', async () => {
  const c = await staff('admin');
  const { secret } = await enrol(c);
  const { c: fresh, ticket } = await passwordStep(c.email);
  // A bad ticket is refused without a session.
  const bad = await fresh.post('/api/auth/login/totp', { ticket: 'x'.repeat(43), code: totp(secret, 1) });
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error, 'second_factor_ticket');
  const r = await fresh.post('/api/auth/login/totp', { ticket, code: totp(secret, 1) });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.csrf);
  assert.equal(r.json.user.email, c.email);
  fresh.csrf = r.json.csrf;
  assert.ok(fresh.cookies.has('ujikom_device'), 'the code step remembers the device, as a password log-in does');
  assert.equal((await fresh.get('/api/admin/users')).status, 200, 'a full admin session');
  // The ticket was used up.
  const again = await new Client(d.url).post('/api/auth/login/totp', { ticket, code: totp(secret, 1) });
  assert.equal(again.json.error, 'second_factor_ticket');
  // Candidates stay on passwords and cannot enrol.
  const cand = await candidateClient(d);
  assert.equal((await cand.post('/api/auth/2fa/enrol', {})).status, 403);
});

test('the login page asks for the code after the password', async () => {
  const c = await staff('assessor');
  const { secret } = await enrol(c);
  const b = new Client(d.url);
  const opts = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
  const pw = await b.post('/login', new URLSearchParams({ email: c.email, password: PASSWORD }).toString(), opts);
  assert.equal(pw.status, 200, pw.text);
  assert.equal(b.cookies.has('ujikom_session'), false);
  assert.ok(pw.text.includes('action="/login/totp"'));
  const ticket = /name="ticket" value="([A-Za-z0-9_-]{43})"/.exec(pw.text)?.[1];
  assert.ok(ticket, 'the ticket travels in the form');
  // A mistyped code shows the form again, with the same ticket and the reason.
  const typo = await b.post('/login/totp', new URLSearchParams({ ticket, code: wrongCode(secret) }).toString(), opts);
  assert.equal(typo.status, 401, typo.text);
  assert.ok(typo.text.includes('role="alert"'), 'the error is shown');
  assert.ok(typo.text.includes(`name="ticket" value="${ticket}"`), 'the form keeps its ticket');
  assert.equal(b.cookies.has('ujikom_session'), false);
  const done = await b.post('/login/totp', new URLSearchParams({ ticket, code: totp(secret, 1) }).toString(), opts);
  assert.equal(done.status, 303, done.text);
  assert.equal(done.headers.get('location'), '/review');
  assert.ok(b.cookies.has('ujikom_session'));
  assert.equal((await b.get('/review')).status, 200);
});

test('a replayed code is refused, and so is an older one', async () => {
  const c = await staff('admin');
  const { secret } = await enrol(c);
  const first = await passwordStep(c.email);
  const code = totp(secret, 1);
  assert.equal((await first.c.post('/api/auth/login/totp', { ticket: first.ticket, code })).status, 200);
  const second = await passwordStep(c.email);
  const replay = await second.c.post('/api/auth/login/totp', { ticket: second.ticket, code });
  assert.equal(replay.status, 401, replay.text);
  assert.equal(replay.json.error, 'second_factor_replayed');
  const older = await second.c.post('/api/auth/login/totp', { ticket: second.ticket, code: totp(secret, 0) });
  assert.equal(older.status, 401, older.text);
  assert.equal(older.json.error, 'second_factor_replayed');
  assert.equal((await second.c.get('/api/auth/me')).status, 401);
});

test('a recovery code works once', async () => {
  const c = await staff('admin');
  const { codes } = await enrol(c);
  const one = await passwordStep(c.email);
  // Typing is forgiving: lower case, no hyphen.
  const typed = codes[3].toLowerCase().replace('-', '');
  const ok = await one.c.post('/api/auth/login/totp', { ticket: one.ticket, recovery_code: typed });
  assert.equal(ok.status, 200, ok.text);
  assert.ok(ok.json.csrf);
  const two = await passwordStep(c.email);
  const reused = await two.c.post('/api/auth/login/totp', { ticket: two.ticket, recovery_code: codes[3] });
  assert.equal(reused.status, 401, reused.text);
  assert.equal(reused.json.error, 'second_factor_wrong');
  assert.equal((await c.get('/api/auth/2fa')).json.recovery_codes_left, 9);
  assert.ok((await auditActions(c.id)).includes('user.second_factor.recovery_used'));
});

test('a wrong code counts like a wrong password in the login back-off', async () => {
  // Wrong passwords on one account until the back-off answers 429.
  const p = await staff('assessor');
  let wrongPasswords = 0;
  for (;;) {
    const r = await new Client(d.url).post('/api/auth/login', { email: p.email, password: 'Salah-Sekali-99!' });
    if (r.status === 429) break;
    assert.equal(r.status, 401, r.text);
    wrongPasswords += 1;
    assert.ok(wrongPasswords < 20, 'the back-off starts');
  }
  // Right password, then wrong codes on another account: the back-off starts no later.
  const c = await staff('assessor');
  const { secret } = await enrol(c);
  let { c: b, ticket } = await passwordStep(c.email);
  let wrongCodes = 0;
  let last;
  for (;;) {
    last = await b.post('/api/auth/login/totp', { ticket, code: wrongCode(secret) });
    if (last.status === 429) break;
    assert.equal(last.status, 401, last.text);
    assert.equal(last.json.error, 'second_factor_wrong');
    wrongCodes += 1;
    assert.ok(wrongCodes <= wrongPasswords, `wrong codes (${wrongCodes}) get no more tries than wrong passwords (${wrongPasswords})`);
  }
  assert.ok(Number(last.headers.get('retry-after')) >= 1, 'Retry-After');
  // During the back-off even the right code is refused.
  const right = await b.post('/api/auth/login/totp', { ticket, code: totp(secret, 1) });
  assert.equal(right.status, 429, right.text);
});

test('ujikom admin reset-2fa removes the factor (audited); the password alone logs in again', async () => {
  const c = await staff('admin');
  await enrol(c);
  await passwordStep(c.email);
  const r = cli(['admin', 'reset-2fa', c.email], { dataDir: d.dataDir });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /removed the second factor/);
  const l = await new Client(d.url).post('/api/auth/login', { email: c.email, password: PASSWORD });
  assert.equal(l.status, 200, l.text);
  assert.ok(l.json.csrf, 'a session again, without a code');
  assert.equal(l.json.second_factor, undefined);
  assert.equal((await c.get('/api/auth/2fa')).json.state, 'none');
  assert.ok((await auditActions(c.id)).includes('user.second_factor.reset'));
  const none = cli(['admin', 'reset-2fa', c.email], { dataDir: d.dataDir });
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /has no second factor/);
  const unknown = cli(['admin', 'reset-2fa', uniqueEmail('nobody')], { dataDir: d.dataDir });
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /no account/);
});

test('an admin resets another staff member\'s factor through the API, never their own', async () => {
  const c = await staff('assessor');
  await enrol(c);
  const r = await admin.post(`/api/admin/users/${c.id}/2fa/reset`, {});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { user: { id: c.id, second_factor: 'none' } });
  assert.equal((await c.get('/api/auth/2fa')).json.state, 'none');
  const l = await new Client(d.url).post('/api/auth/login', { email: c.email, password: PASSWORD });
  assert.ok(l.json.csrf, 'the password alone logs in again');
  const entries = (await admin.get(`/api/admin/audit?subject=user:${c.id}`)).json.items;
  const reset = entries.find((e) => e.action === 'user.second_factor.reset');
  assert.ok(reset, 'audited');
  assert.equal(reset.actor, admin.id);
  const again = await admin.post(`/api/admin/users/${c.id}/2fa/reset`, {});
  assert.equal(again.status, 409);
  assert.equal(again.json.error, 'second_factor_none');
  await enrol(admin);
  const own = await admin.post(`/api/admin/users/${admin.id}/2fa/reset`, {});
  assert.equal(own.status, 409);
  assert.equal(own.json.error, 'second_factor_own');
  assert.equal((await admin.get('/api/auth/2fa')).json.state, 'confirmed');
  // An assessor or a candidate may not reset anyone's.
  assert.equal((await c.post(`/api/admin/users/${admin.id}/2fa/reset`, {})).status, 403);
});

test('--staff-2fa required: unenrolled staff reach only the enrolment until they enrol', async () => {
  const req = await startDaemon({ args: ['--staff-2fa', 'required'] });
  try {
    const a = await staff('admin', req);
    const denied = await a.get('/api/admin/users');
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.json.error, 'second_factor_required');
    assert.equal((await a.post('/api/admin/users', { email: uniqueEmail('x'), name: 'X', role: 'assessor', password: PASSWORD })).status, 403);
    const page = await a.get('/admin');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/account/2fa');
    assert.equal((await a.get('/api/certificates')).status, 403, 'no route that needs a session');
    assert.equal((await a.get('/api/auth/me')).status, 200);
    assert.equal((await a.get('/account/2fa')).status, 200);
    assert.equal((await a.get('/api/auth/2fa')).json.required, true);
    const asr = await staff('assessor', req);
    assert.equal((await asr.get('/api/reviews/queue')).status, 403);
    assert.equal((await asr.get('/review')).headers.get('location'), '/account/2fa');
    // Candidates are not affected.
    const cand = await candidateClient(req);
    assert.equal((await cand.get('/api/attempts')).status, 200);
    // Once enrolled (the session stays), the admin routes open.
    await enrol(a);
    assert.equal((await a.get('/api/admin/users')).status, 200);
    assert.equal((await a.get('/admin')).status, 200);
  } finally {
    await stopClean(req);
    req.cleanup();
  }
});

test('an invalid --staff-2fa is refused at start-up', async () => {
  await assert.rejects(startDaemon({ args: ['--staff-2fa', 'sometimes'] }), /--staff-2fa/);
});
