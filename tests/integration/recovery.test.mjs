// Account recovery end to end: an administrator (JSON API, admin page or the command line)
// issues a one-time, short-lived password-reset link for a candidate; the link sets a new
// password once, ends the candidate's sessions and expires; forged, malformed and used links
// are refused. With --smtp-url, candidates ask for a link by e-mail (a local SMTP sink
// started here receives it); an unknown address gets the same answer and no mail, and the
// requests are rate limited.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { startDaemon, stopClean, Client, adminClient, candidateClient, cli, uniqueEmail, tmpDir, PASSWORD, SOURCE_DIR } from './lib/daemon.mjs';
import { smtpSink, mailFor } from './lib/smtp.mjs';

const PUBLIC = 'https://ujikom.contoh.test';
const NEW_PASSWORD = 'Tenun-Ikat-Sumba-77';
const TTL_S = 3;

// The path and token of a link issued under PUBLIC.
function splitLink(url) {
  assert.ok(url.startsWith(`${PUBLIC}/reset-sandi?t=`), `link under the public URL: ${url}`);
  const path = url.slice(PUBLIC.length);
  const token = new URL(url).searchParams.get('t');
  assert.match(token, /^[A-Za-z0-9_-]{43}$/, '256-bit base64url token');
  return { path, token };
}

function form(fields) {
  return new URLSearchParams(fields).toString();
}
const FORM = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };

const d = await startDaemon({ args: ['--reset-ttl', String(TTL_S), '--public-url', PUBLIC] });
after(async () => { await d.stop(); d.cleanup(); });
const admin = await adminClient(d);

async function issue(userId) {
  const r = await admin.post(`/api/admin/users/${userId}/reset-link`, {});
  assert.equal(r.status, 201, `issue: ${r.status} ${r.text}`);
  return { ...splitLink(r.json.url), json: r.json };
}

test('an admin-issued link sets a new password once and ends the old sessions', async () => {
  const cand = await candidateClient(d, 'Rina Lupa Sandi');
  const other = new Client(d.url); // a second device of the same candidate
  assert.equal((await other.login(cand.email, PASSWORD)).status, 200);
  const link = await issue(cand.user.id);
  assert.equal(link.json.email, cand.email);
  assert.equal(link.json.user_id, cand.user.id);
  const left = Date.parse(link.json.expires_at) - Date.now();
  assert.ok(left > 0 && left <= (TTL_S + 1) * 1000, `short-lived: ${link.json.expires_at}`);

  // The page takes the token from the URL and posts it back; nothing leaks by Referer or cache.
  const page = await new Client(d.url).get(link.path);
  assert.equal(page.status, 200, page.text);
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  assert.match(page.headers.get('cache-control') || '', /no-store/);
  assert.ok(page.text.includes(`name="t" value="${link.token}"`), 'the form carries the token');

  // A weak password is refused and leaves the link usable.
  const weak = await new Client(d.url).post('/api/auth/reset', { token: link.token, password: 'password1' });
  assert.equal(weak.status, 400, weak.text);
  assert.equal(weak.json.error, 'weak_password');

  const ok = await new Client(d.url).post('/api/auth/reset', { token: link.token, password: NEW_PASSWORD });
  assert.equal(ok.status, 200, ok.text);

  // Once only.
  const again = await new Client(d.url).post('/api/auth/reset', { token: link.token, password: 'Gamelan-Bali-Sore-31' });
  assert.equal(again.status, 400, again.text);
  assert.equal(again.json.error, 'reset_link_invalid');
  assert.equal((await new Client(d.url).get(link.path)).status, 400, 'a used link shows the "not valid" page');

  // Every old session ended; the new password works, the old one does not.
  assert.equal((await cand.get('/api/auth/me')).status, 401, 'first session ended');
  assert.equal((await other.get('/api/auth/me')).status, 401, 'second session ended');
  assert.equal((await new Client(d.url).login(cand.email, PASSWORD)).status, 401, 'old password refused');
  assert.equal((await new Client(d.url).login(cand.email, NEW_PASSWORD)).status, 200, 'new password works');

  // The audit log says who issued a link for whom and that it was used; never the token.
  const audit = await admin.get(`/api/admin/audit?subject=user:${cand.user.id}`);
  assert.equal(audit.status, 200, audit.text);
  const actions = audit.json.items.map((e) => e.action);
  assert.ok(actions.includes('user.reset_link'), `issued in the audit log: ${actions}`);
  assert.ok(actions.includes('user.password_reset'), `redeemed in the audit log: ${actions}`);
  const issued = audit.json.items.find((e) => e.action === 'user.reset_link');
  const me = await admin.get('/api/auth/me');
  assert.equal(issued.actor, me.json.user.id, 'the issuing administrator is the actor');
  assert.ok(!audit.text.includes(link.token), 'no token in the audit log');
  assert.ok(!d.output().includes(link.token), 'no token in the daemon log');
});

test('forged, malformed and missing tokens are refused', async () => {
  const cand = await candidateClient(d, 'Dewi Token Palsu');
  const link = await issue(cand.user.id);
  const flip = link.token[0] === 'A' ? 'B' : 'A';
  const forged = flip + link.token.slice(1);
  for (const token of [forged, 'abc', `${link.token}x`, '', undefined, 42]) {
    const r = await new Client(d.url).post('/api/auth/reset', { token, password: NEW_PASSWORD });
    assert.equal(r.status, 400, `token ${JSON.stringify(token)}: ${r.text}`);
    assert.equal(r.json.error, 'reset_link_invalid', `token ${JSON.stringify(token)}`);
  }
  const page = await new Client(d.url).get(`/reset-sandi?t=${forged}`);
  assert.equal(page.status, 400);
  assert.ok(!page.text.includes('name="password"'), 'no form for a forged link');
  // The genuine link still works after the forgeries.
  const ok = await new Client(d.url).post('/api/auth/reset', { token: link.token, password: NEW_PASSWORD });
  assert.equal(ok.status, 200, ok.text);
});

test('parallel redemptions of one link: exactly one succeeds', async () => {
  const cand = await candidateClient(d, 'Putu Balapan');
  const link = await issue(cand.user.id);
  const tries = await Promise.all(Array.from({ length: 6 }, (_, i) =>
    new Client(d.url).post('/api/auth/reset', { token: link.token, password: `${NEW_PASSWORD}-${i}` })));
  const won = tries.filter((r) => r.status === 200);
  assert.equal(won.length, 1, `statuses: ${tries.map((r) => r.status)}`);
  assert.ok(tries.every((r) => r.status === 200 || (r.status === 400 && r.json.error === 'reset_link_invalid')),
    `the others are refused as used: ${tries.map((r) => r.text)}`);
  const i = tries.indexOf(won[0]);
  assert.equal((await new Client(d.url).login(cand.email, `${NEW_PASSWORD}-${i}`)).status, 200, 'the winner set the password');
});

test('a redeemed link lets the owner in during a login back-off', async () => {
  const cand = await candidateClient(d, 'Yoga Terkunci');
  let status = 0;
  for (let i = 0; i < 8 && status !== 429; i++) {
    status = (await new Client(d.url).login(cand.email, `salah-${i}-Tebakan`)).status;
  }
  assert.equal(status, 429, 'wrong guesses put the account into its back-off');
  assert.equal((await new Client(d.url).login(cand.email, PASSWORD)).status, 429, 'even the right password waits');
  const link = await issue(cand.user.id);
  const ok = await new Client(d.url).post('/api/auth/reset', { token: link.token, password: NEW_PASSWORD });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await new Client(d.url).login(cand.email, NEW_PASSWORD)).status, 200, 'back-off cleared by the link');
});

test('a link expires, and a newer link replaces an older one', async () => {
  const cand = await candidateClient(d, 'Agus Kedaluwarsa');
  const old = await issue(cand.user.id);
  await sleep((TTL_S + 1) * 1000);
  const late = await new Client(d.url).post('/api/auth/reset', { token: old.token, password: NEW_PASSWORD });
  assert.equal(late.status, 400, late.text);
  assert.equal(late.json.error, 'reset_link_invalid');
  assert.equal((await cand.get('/api/auth/me')).status, 200, 'an expired link changes nothing');

  const first = await issue(cand.user.id);
  const second = await issue(cand.user.id);
  const r1 = await new Client(d.url).post('/api/auth/reset', { token: first.token, password: NEW_PASSWORD });
  assert.equal(r1.status, 400, 'the older link ended when the newer one was issued');
  const r2 = await new Client(d.url).post('/api/auth/reset', { token: second.token, password: NEW_PASSWORD });
  assert.equal(r2.status, 200, r2.text);
});

test('links only for enabled candidates; admin routes only for admins', async () => {
  const assessorEmail = uniqueEmail('asesor');
  const mk = await admin.post('/api/admin/users', { email: assessorEmail, name: 'Asesor Reset', password: PASSWORD, role: 'assessor' });
  assert.equal(mk.status, 201, mk.text);
  const staff = await admin.post(`/api/admin/users/${mk.json.user.id}/reset-link`, {});
  assert.equal(staff.status, 409, staff.text);
  assert.equal(staff.json.error, 'reset_not_candidate');
  assert.equal((await admin.post('/api/admin/users/999999/reset-link', {})).status, 404);
  const cand = await candidateClient(d, 'Calon Biasa');
  assert.equal((await cand.post(`/api/admin/users/${cand.user.id}/reset-link`, {})).status, 403);
  assert.equal((await new Client(d.url).post(`/api/admin/users/${cand.user.id}/reset-link`, {})).status, 401);
  const dis = await admin.post(`/api/admin/users/${cand.user.id}/disable`, {});
  assert.equal(dis.status, 200, dis.text);
  assert.equal((await admin.post(`/api/admin/users/${cand.user.id}/reset-link`, {})).status, 403, 'disabled account');
});

test('the admin page offers the button and shows the link; the form page sets the password', async () => {
  const cand = await candidateClient(d, 'Sari Halaman');
  const pageAdmin = await admin.get(`/admin/users/${cand.user.id}`);
  assert.equal(pageAdmin.status, 200);
  assert.ok(pageAdmin.text.includes(`action="/admin/users/${cand.user.id}/reset-link"`), 'button on the account\'s page');
  const shown = await admin.req('POST', `/admin/users/${cand.user.id}/reset-link`, form({ csrf: admin.csrf }), FORM);
  assert.equal(shown.status, 200, shown.text.slice(0, 500));
  const m = shown.text.match(/>(https:\/\/ujikom\.contoh\.test\/reset-sandi\?t=[A-Za-z0-9_-]{43})<\/textarea>/);
  assert.ok(m, 'the page shows the link');
  const { token } = splitLink(m[1]);
  // Without the CSRF token the page route refuses.
  const noCsrf = new Client(d.url);
  noCsrf.cookies = admin.cookies;
  assert.equal((await noCsrf.req('POST', `/admin/users/${cand.user.id}/reset-link`, '', FORM)).status, 403);

  const weak = await new Client(d.url).req('POST', '/reset-sandi', form({ t: token, password: 'aaaaaaaaaa' }), FORM);
  assert.equal(weak.status, 400);
  assert.ok(weak.text.includes('name="password"'), 'the form again after a weak password');
  const done = await new Client(d.url).req('POST', '/reset-sandi', form({ t: token, password: NEW_PASSWORD }), FORM);
  assert.equal(done.status, 200, done.text.slice(0, 500));
  assert.equal((await new Client(d.url).login(cand.email, NEW_PASSWORD)).status, 200);
});

test('the command line prints a link', async () => {
  const cand = await candidateClient(d, 'Budi Baris Perintah');
  const r = cli(['admin', 'reset-link', cand.email, '--public-url', PUBLIC, '--reset-ttl', '60'], { dataDir: d.dataDir });
  assert.equal(r.status, 0, r.stderr);
  const { token } = splitLink(r.stdout.trim());
  const ok = await new Client(d.url).post('/api/auth/reset', { token, password: NEW_PASSWORD });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await cand.get('/api/auth/me')).status, 401, 'old session ended');
  const unknown = cli(['admin', 'reset-link', uniqueEmail('tidakada')], { dataDir: d.dataDir });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no account/);
  const audit = await admin.get(`/api/admin/audit?subject=user:${cand.user.id}`);
  const issued = audit.json.items.find((e) => e.action === 'user.reset_link');
  assert.ok(issued, `cli issuance audited: ${audit.text}`);
  assert.equal(issued.after.via, 'cli');
  assert.equal(issued.actor, null, 'no user acted: the command line');
});

test('without --smtp-url there is no e-mail request', async () => {
  assert.equal((await new Client(d.url).get('/lupa-sandi')).status, 404);
  const r = await new Client(d.url).post('/api/auth/reset-request', { email: admin.email });
  assert.equal(r.status, 404);
  const login = await new Client(d.url).get('/login');
  assert.ok(!login.text.includes('/lupa-sandi'), 'no link on the login page');
});

test('an unusable --smtp-url or --smtp-from stops the daemon at start-up', async () => {
  const dataDir = tmpDir();
  try {
    await assert.rejects(startDaemon({ dataDir, args: ['--smtp-url', 'http://127.0.0.1:25'] }), /smtp-url: must start with smtp/);
    await assert.rejects(startDaemon({ dataDir, args: ['--smtp-url', 'smtp://127.0.0.1:25', '--smtp-from', 'no address'] }), /smtp-from/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

// --- by e-mail, against a local SMTP sink -------------------------------------------

test('a candidate asks by e-mail: same answer for every address, mail only for a known one', async (t) => {
  const sink = await smtpSink();
  const dm = await startDaemon({ args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test',
    '--public-url', PUBLIC, '--reset-mails-per-hour', '2', '--reset-per-hour', '1000'] });
  t.after(async () => { await dm.stop(); dm.cleanup(); await sink.close(); });

  const login = await new Client(dm.url).get('/login');
  assert.ok(login.text.includes('href="/lupa-sandi"'), 'the login page links to the request form');
  assert.equal((await new Client(dm.url).get('/lupa-sandi')).status, 200);

  const cand = await candidateClient(dm, 'Wulan Surel');
  const known = await new Client(dm.url).post('/api/auth/reset-request', { email: cand.email.toUpperCase() });
  const unknownEmail = uniqueEmail('tidakterdaftar');
  const unknown = await new Client(dm.url).post('/api/auth/reset-request', { email: unknownEmail });
  assert.equal(known.status, 202, known.text);
  assert.equal(unknown.status, 202, unknown.text);
  assert.equal(known.text, unknown.text, 'the same answer whether or not the address exists');

  const mail = await mailFor(sink.mails, cand.email);
  assert.ok(mail, 'the mail arrived');
  assert.equal(mail.from, 'lsp@contoh.test');
  assert.match(mail.text, /Subject: Atur ulang kata sandi ujikom/);
  assert.match(mail.text, /Content-Type: text\/plain; charset=UTF-8/);
  assert.match(mail.text, /hanya dapat dipakai sekali/);
  const m = mail.text.match(/https:\/\/ujikom\.contoh\.test\/reset-sandi\?t=[A-Za-z0-9_-]{43}/);
  assert.ok(m, `the mail holds the link:\n${mail.text}`);
  const { token } = splitLink(m[0]);
  const ok = await new Client(dm.url).post('/api/auth/reset', { token, password: NEW_PASSWORD });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await cand.get('/api/auth/me')).status, 401, 'old session ended');
  assert.equal((await new Client(dm.url).login(cand.email, NEW_PASSWORD)).status, 200);

  // The page form answers the same way for both.
  const pk = await new Client(dm.url).req('POST', '/lupa-sandi', form({ email: cand.email }), FORM);
  const pu = await new Client(dm.url).req('POST', '/lupa-sandi', form({ email: unknownEmail }), FORM);
  assert.equal(pk.status, 200);
  assert.equal(pu.status, 200);
  assert.equal(pk.text, pu.text, 'the same page whether or not the address exists');

  // Per address: the third request within the hour gets the same answer and no mail.
  const third = await new Client(dm.url).post('/api/auth/reset-request', { email: cand.email });
  assert.equal(third.status, 202);
  assert.equal(third.text, unknown.text);

  // Staff and disabled accounts get the same answer and no mail.
  const staff = await adminClient(dm);
  const gone = await candidateClient(dm, 'Akun Nonaktif');
  assert.equal((await staff.post(`/api/admin/users/${gone.user.id}/disable`, {})).status, 200);
  for (const email of [staff.email, gone.email]) {
    const r = await new Client(dm.url).post('/api/auth/reset-request', { email });
    assert.equal(r.status, 202);
    assert.equal(r.text, unknown.text, `the same answer for ${email}`);
  }
  await sleep(1500);
  const toCand = sink.mails.filter((x) => x.to.includes(cand.email));
  const resets = toCand.filter((x) => /Subject: Atur ulang kata sandi ujikom/.test(x.text));
  assert.equal(resets.length, 2, 'two reset mails, then no more');
  // The reset itself, and the sign-in from another browser after it, are told too
  // (common/account_notice.h).
  const others = toCand.filter((x) => !resets.includes(x)).map((x) => x.text.split('\n').find((l) => l.startsWith('Subject:')).trim());
  assert.deepEqual(others.sort(), ['Subject: Kata sandi akun ujikom diubah / Your ujikom password was changed',
    'Subject: Masuk baru ke akun ujikom / New sign-in to your ujikom account']);
  assert.match(toCand.find((x) => /Subject: Kata sandi akun ujikom diubah/.test(x.text)).text, /diatur ulang dengan tautan/);
  assert.ok(!sink.mails.some((x) => x.to.includes(unknownEmail)), 'no mail for an unknown address');
  assert.ok(!sink.mails.some((x) => x.to.includes(staff.email)), 'no mail for a staff account');
  assert.ok(!sink.mails.some((x) => x.to.includes(gone.email)), 'no mail for a disabled account');
  assert.ok(!dm.output().includes(token), 'no token in the daemon log');
  // The mail thread stops with the daemon: a clean exit, no sanitizer report.
  await stopClean(dm);
});

// A relay that says "try again later" (451) gets the mail again after --smtp-retry; one that
// refuses it for good (550) is not asked again.
test('a mail the relay defers is sent again; one it refuses for good is not', async (t) => {
  const deferring = await smtpSink({ refuse: 1, code: 451 });
  const refusing = await smtpSink({ refuse: 1000, code: 550 });
  const start = (sink) => startDaemon({ args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test',
    '--public-url', PUBLIC, '--smtp-retry', '1'] });
  const d1 = await start(deferring);
  const d2 = await start(refusing);
  t.after(async () => {
    for (const d of [d1, d2]) { await d.stop(); d.cleanup(); }
    await deferring.close();
    await refusing.close();
  });
  const c1 = await candidateClient(d1, 'Sari Tunda');
  const c2 = await candidateClient(d2, 'Bima Tolak');
  assert.equal((await new Client(d1.url).post('/api/auth/reset-request', { email: c1.email })).status, 202);
  assert.equal((await new Client(d2.url).post('/api/auth/reset-request', { email: c2.email })).status, 202);

  const mail = await mailFor(deferring.mails, c1.email, 20_000);
  assert.ok(mail, `the deferred mail arrived on a later try:\n${d1.output()}`);
  assert.match(mail.text, /reset-sandi\?t=/);
  assert.equal(deferring.counts.rcpts, 2, 'refused once, taken on the second try');
  assert.match(d1.output(), /mail: sending failed: .*\(SMTP 451\)/);
  assert.match(d1.output(), /mail: trying again in 1 s \(try 2 of 4\)/);

  const end = Date.now() + 15_000;
  while (!/mail: given up after 1 try \(refused for good\)/.test(d2.output()) && Date.now() < end) await sleep(100);
  assert.match(d2.output(), /mail: sending failed: .*\(SMTP 550\)/);
  assert.match(d2.output(), /mail: given up after 1 try \(refused for good\)/);
  await sleep(2500); // past the first retry's time: no second try
  assert.equal(refusing.counts.rcpts, 1, 'a permanent refusal is not retried');
  assert.equal(refusing.mails.length, 0);
  await stopClean(d1);
  await stopClean(d2);
});

// A slow SMTP sink in a process of its own: it greets each connection only after
// SLOW_SMTP_MS and discards the mail. Were mail sent while the client waits, every request
// for a known address would take that long; in its own process, receiving mail does not
// hold up this process's measurements.
const SLOW_SMTP_MS = 300;
async function smtpSinkProcess() {
  const code = `import { SMTPServer } from 'smtp-server';
    const s = new SMTPServer({ authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
      onConnect(session, cb) { setTimeout(cb, ${SLOW_SMTP_MS}); },
      onData(stream, session, cb) { stream.on('data', () => {}); stream.on('end', cb); } });
    s.listen(0, '127.0.0.1', () => console.log(s.server.address().port));`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: path.join(SOURCE_DIR, 'tests'), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    proc.stdout.once('data', (b) => resolve(Number(String(b).trim())));
    proc.once('exit', (c) => reject(new Error(`smtp sink exited ${c}`)));
  });
  return { port, close: () => { proc.kill(); } };
}

test('request timing does not tell known from unknown addresses', async (t) => {
  const sink = await smtpSinkProcess();
  const dm = await startDaemon({ args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--public-url', PUBLIC,
    '--reset-per-hour', '100000', '--reset-mails-per-hour', '1000'] });
  t.after(async () => { await dm.stop(); dm.cleanup(); await sink.close(); });
  const known = [];
  for (let i = 0; i < 4; i++) known.push((await candidateClient(dm, `Calon Waktu ${i}`)).email);
  const c = new Client(dm.url);
  const times = { known: [], unknown: [] };
  for (let round = 0; round < 60; round++) {
    const kind = round % 2 ? 'known' : 'unknown';
    const email = kind === 'known' ? known[round % known.length] : uniqueEmail('hantu');
    const t0 = process.hrtime.bigint();
    const r = await c.post('/api/auth/reset-request', { email });
    times[kind].push(Number(process.hrtime.bigint() - t0) / 1e6);
    assert.equal(r.status, 202);
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const mk = median(times.known), mu = median(times.unknown);
  t.diagnostic(`median request time: known ${mk.toFixed(2)} ms, unknown ${mu.toFixed(2)} ms`);
  // Sending happens on the mailer's thread: a known address costs one more row, not an SMTP
  // exchange (which would add SLOW_SMTP_MS). Within noise on a shared machine: a few
  // milliseconds, or half the time under load.
  assert.ok(mk < SLOW_SMTP_MS / 2, `known addresses do not wait for the mail server: ${mk} ms`);
  assert.ok(Math.abs(mk - mu) < Math.max(15, 0.5 * Math.max(mk, mu)), `known ${mk} ms vs unknown ${mu} ms`);
});

test('requests are rate limited per client address; a dead SMTP server changes nothing for the client', async (t) => {
  // Port 9 on loopback: nothing listens, so every transfer fails (and is only logged).
  const dm = await startDaemon({ logLevel: 'info', args: ['--smtp-url', 'smtp://127.0.0.1:9', '--public-url', PUBLIC, '--reset-per-hour', '3'] });
  t.after(async () => { await dm.stop(); dm.cleanup(); });
  const cand = await candidateClient(dm, 'Tono Batas');
  const c = new Client(dm.url);
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const r = await c.post('/api/auth/reset-request', { email: i ? uniqueEmail('x') : cand.email });
    assert.equal(r.status, 202, `request ${i}: ${r.text}`);
    assert.ok(Date.now() - t0 < 2000, 'the answer does not wait for the mail server');
  }
  const limited = await c.post('/api/auth/reset-request', { email: cand.email });
  assert.equal(limited.status, 429, limited.text);
  assert.ok(Number(limited.headers.get('retry-after')) > 0, 'Retry-After');
  const page = await c.req('POST', '/lupa-sandi', form({ email: cand.email }), FORM);
  assert.equal(page.status, 429, 'the page form shares the limit');
  const end = Date.now() + 15_000;
  while (!/mail: sending failed/.test(dm.output()) && Date.now() < end) await sleep(100);
  assert.match(dm.output(), /mail: sending failed/, 'the failure is logged');
  assert.ok(!dm.output().includes('reset-sandi?t='), 'the link is not logged');
  await stopClean(dm);
});
