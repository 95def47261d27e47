// Changing an account's e-mail address (common/email_change.h). With an SMTP server, the
// holder asks with their password; a one-time link goes to the new address and a notice to
// the current one; the address changes only when the link's page is confirmed with the
// account's password (a mistyped address must not hand the account to a stranger), after which
// the holder logs in with the new address and not the old. The request cannot probe whether
// another account has an address (the same answer, and a mail there saying so). Requests are
// counted per account; a change can be withdrawn; every step is audited. Without an SMTP
// server the holder is sent to the LSP, and an administrator corrects the address with a
// reason. Nothing of the token reaches the daemon's log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startDaemon, stopClean, Client, adminClient, candidateClient, uniqueEmail, PASSWORD, cli,
} from './lib/daemon.mjs';
import { smtpSink, mailFor } from './lib/smtp.mjs';

const PUBLIC = 'https://ujikom.contoh.test';
const FORM = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
const REASON = 'KTP ditunjukkan di TUK Yogyakarta; kotak surat lama sudah ditutup';

// A notice of a sign-in from a new browser (common/account_notice.h): these tests sign in
// from fresh clients, which the holder is told of beside the mails they are about.
const isSignInNotice = (m) => /Subject: Masuk baru ke akun ujikom/.test(m.text);

function form(fields) {
  return new URLSearchParams(fields).toString();
}

// The token of the confirmation link in a mail's text.
function linkToken(mail) {
  const m = mail.text.match(/https:\/\/ujikom\.contoh\.test\/ubah-email\?t=([A-Za-z0-9_-]{43})/);
  assert.ok(m, `the mail holds the link:\n${mail.text}`);
  return m[1];
}

async function auditOf(admin, action, id) {
  const r = await admin.get(`/api/admin/audit?action=${action}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((e) => e.subject === `user:${id}`);
}

let sink;
let d;
let admin;

before(async () => {
  sink = await smtpSink();
  d = await startDaemon({ args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test',
    '--public-url', PUBLIC] });
  admin = await adminClient(d);
});

after(async () => {
  if (d && !d.exited()) await stopClean(d);
  if (d) d.cleanup();
  if (sink) await sink.close();
});

test('the holder moves to a new address through a link sent there', async () => {
  const cand = await candidateClient(d, 'Ayu Surel Baru');
  const id = cand.user.id;
  const old = cand.email;
  const fresh = uniqueEmail('baru');

  const state = await cand.get('/api/me/email');
  assert.equal(state.status, 200, state.text);
  assert.deepEqual(state.json, { email: old, pending: null, self_service: true });

  // Refused before anything is stored or mailed.
  const wrong = await cand.post('/api/me/email', { email: fresh, current_password: 'bukan-sandinya' });
  assert.equal(wrong.status, 403, wrong.text);
  assert.equal(wrong.json.error, 'wrong_password');
  const bad = await cand.post('/api/me/email', { email: 'bukan alamat', current_password: PASSWORD });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error, 'invalid_field');
  const same = await cand.post('/api/me/email', { email: old.toUpperCase(), current_password: PASSWORD });
  assert.equal(same.status, 409, same.text);
  assert.equal(same.json.error, 'email_unchanged');
  assert.equal((await new Client(d.url).post('/api/me/email', { email: fresh, current_password: PASSWORD })).status, 401);

  const asked = await cand.post('/api/me/email', { email: fresh, current_password: PASSWORD });
  assert.equal(asked.status, 202, asked.text);
  assert.equal(asked.json.pending.email, fresh);
  const left = Date.parse(asked.json.pending.expires_at) - Date.now();
  assert.ok(left > 23 * 3600e3 && left <= 24 * 3600e3 + 5e3, `a day to confirm: ${asked.json.pending.expires_at}`);
  assert.deepEqual((await cand.get('/api/me/email')).json.pending, asked.json.pending);
  const copy = (await cand.get('/api/me/data')).json;
  assert.equal(copy.account.email, old);
  assert.equal(copy.account.email_change_pending.email, fresh, 'the data copy shows the change waiting');
  assert.equal(copy.account.email_change_pending.expires_at, asked.json.pending.expires_at);

  const toNew = await mailFor(sink.mails, fresh);
  assert.ok(toNew, 'the link went to the new address');
  assert.match(toNew.text, /Subject: Konfirmasi alamat email ujikom/);
  const token = linkToken(toNew);
  assert.ok(!toNew.text.includes('Ayu Surel Baru') && !toNew.text.includes(old),
    'nothing of the account goes to the new address (a mistyped one reaches a stranger)');
  const toOld = await mailFor(sink.mails, old);
  assert.ok(toOld, 'a notice went to the current address');
  assert.ok(toOld.text.includes(fresh), 'the notice names the address asked for');
  assert.ok(!/ubah-email\?t=/.test(toOld.text), 'the notice carries no link');

  // Nothing changes until the link's page is confirmed: opening it only asks.
  const page = await new Client(d.url).get(`/ubah-email?t=${token}`);
  assert.equal(page.status, 200, page.text);
  assert.ok(page.text.includes(fresh), 'the page names the new address');
  assert.ok(!page.text.includes(old) && !page.text.includes('Ayu Surel Baru'),
    'nor the account\'s address nor its name: a mistyped address reaches a stranger');
  assert.ok(page.text.includes('name="current_password"'), 'it asks for the account\'s password');
  assert.ok(page.text.includes(`name="t" value="${token}"`), 'the form carries the token');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  assert.match(page.headers.get('cache-control') || '', /no-store/);
  assert.equal((await new Client(d.url).login(old, PASSWORD)).status, 200, 'the old address still logs in');

  // The link alone moves nothing: whoever holds it needs the account's password.
  const stranger = await new Client(d.url).post('/api/auth/email-change', { token, current_password: 'tebak-saja' });
  assert.equal(stranger.status, 403, stranger.text);
  assert.equal(stranger.json.error, 'wrong_password');
  const none = await new Client(d.url).post('/api/auth/email-change', { token });
  assert.equal(none.status, 400, none.text);
  const strangerPage = await new Client(d.url).req('POST', '/ubah-email', form({ t: token, current_password: 'tebak-lagi' }), FORM);
  assert.equal(strangerPage.status, 403);
  assert.ok(strangerPage.text.includes('id="form-error"') && !strangerPage.text.includes(old), 'the form again, nothing of the account');
  assert.equal((await cand.get('/api/auth/me')).json.user.email, old, 'nothing changed');
  const done = await new Client(d.url).post('/api/auth/email-change', { token, current_password: PASSWORD });
  assert.equal(done.status, 200, done.text);
  assert.deepEqual(done.json, { user: { id, email: fresh } });
  assert.equal((await cand.get('/api/auth/me')).json.user.email, fresh, 'the session reads the new address at once');
  assert.equal((await new Client(d.url).login(fresh, PASSWORD)).status, 200, 'the new address logs in');
  assert.equal((await new Client(d.url).login(old, PASSWORD)).status, 401, 'the old one no longer does');
  assert.deepEqual((await cand.get('/api/me/email')).json, { email: fresh, pending: null, self_service: true });
  assert.equal((await cand.get('/api/me/data')).json.account.email_change_pending, null);

  // Once only.
  const again = await new Client(d.url).post('/api/auth/email-change', { token, current_password: PASSWORD });
  assert.equal(again.status, 400, again.text);
  assert.equal(again.json.error, 'email_change_link_invalid');
  assert.equal((await new Client(d.url).get(`/ubah-email?t=${token}`)).status, 400);
  for (const t of ['', 'x', 'A'.repeat(43), `${token}A`]) {
    const r = await new Client(d.url).post('/api/auth/email-change', { token: t, current_password: PASSWORD });
    assert.equal(r.status, 400, `token ${JSON.stringify(t)}: ${r.text}`);
  }

  // A second notice went to the old address: the change was made.
  await new Promise((res) => setTimeout(res, 300));
  const toOldAll = sink.mails.filter((m) => m.to.includes(old));
  assert.equal(toOldAll.filter((m) => !isSignInNotice(m)).length, 2, 'request and change both noticed');
  assert.equal(toOldAll.filter(isSignInNotice).length, 1, 'and the sign-in from another browser before the change');

  const requests = await auditOf(admin, 'user.email_change_request', id);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].after.email, fresh);
  const changes = await auditOf(admin, 'user.email_change', id);
  assert.equal(changes.length, 1);
  assert.deepEqual(changes[0].before, { email: old });
  assert.deepEqual(changes[0].after, { via: 'link', email: fresh });
  assert.ok(!d.output().includes(token), 'no token in the daemon log');
});

test('an address another account has: the same answer, no link, and a mail saying so', async () => {
  const cand = await candidateClient(d, 'Bima Alamat Terpakai');
  const other = await candidateClient(d, 'Citra Pemilik Alamat');
  const free = uniqueEmail('bebas');
  const a = await cand.post('/api/me/email', { email: other.email, current_password: PASSWORD });
  const b = await cand.post('/api/me/email', { email: free, current_password: PASSWORD });
  assert.equal(a.status, 202, a.text);
  assert.equal(b.status, 202, b.text);
  assert.deepEqual(Object.keys(a.json.pending), Object.keys(b.json.pending), 'the same shape of answer');
  const there = await mailFor(sink.mails, other.email);
  assert.ok(there, 'the owner of the address is told');
  assert.match(there.text, /sudah dipakai oleh akun ujikom lain/);
  assert.ok(!there.text.includes('Bima Alamat Terpakai') && !there.text.includes(cand.email),
    'nor the asker\'s name or address');
  assert.ok(!/ubah-email\?t=/.test(there.text), 'no link to an address that is taken');
  // The later request ended the earlier one; the free address's link works.
  const token = linkToken(await mailFor(sink.mails, free));
  assert.equal((await new Client(d.url).post('/api/auth/email-change', { token, current_password: PASSWORD })).status, 200);
  assert.equal((await new Client(d.url).login(other.email, PASSWORD)).json.user.id, other.user.id,
    'the other account keeps its address');
});

test('an address taken between the request and the link: refused, nothing changes', async () => {
  const cand = await candidateClient(d, 'Dewi Terlambat');
  const wanted = uniqueEmail('rebutan');
  assert.equal((await cand.post('/api/me/email', { email: wanted, current_password: PASSWORD })).status, 202);
  const token = linkToken(await mailFor(sink.mails, wanted));
  const quick = new Client(d.url);
  assert.equal((await quick.register('Eka Lebih Cepat', wanted, PASSWORD)).status, 201);
  const r = await new Client(d.url).post('/api/auth/email-change', { token, current_password: PASSWORD });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'email_taken');
  const pageAnswer = await new Client(d.url).req('POST', '/ubah-email', form({ t: token, current_password: PASSWORD }), FORM);
  assert.equal(pageAnswer.status, 409);
  assert.equal((await cand.get('/api/auth/me')).json.user.email, cand.email, 'the address stays');
});

test('a change is withdrawn, and at most three are asked for in an hour', async () => {
  const cand = await candidateClient(d, 'Fajar Berubah Pikiran');
  const first = uniqueEmail('batal');
  assert.equal((await cand.post('/api/me/email', { email: first, current_password: PASSWORD })).status, 202);
  const token = linkToken(await mailFor(sink.mails, first));
  const cancel = await cand.post('/api/me/email/cancel', {});
  assert.equal(cancel.status, 200, cancel.text);
  assert.deepEqual(cancel.json, { pending: null });
  assert.equal((await cand.get('/api/me/email')).json.pending, null);
  assert.equal((await new Client(d.url).post('/api/auth/email-change', { token, current_password: PASSWORD })).status, 400, 'a withdrawn link is dead');
  assert.equal((await auditOf(admin, 'user.email_change_cancel', cand.user.id)).length, 1);

  assert.equal((await cand.post('/api/me/email', { email: uniqueEmail('dua'), current_password: PASSWORD })).status, 202);
  assert.equal((await cand.post('/api/me/email', { email: uniqueEmail('tiga'), current_password: PASSWORD })).status, 202);
  const fourth = await cand.post('/api/me/email', { email: uniqueEmail('empat'), current_password: PASSWORD });
  assert.equal(fourth.status, 429, fourth.text);
  const retry = Number(fourth.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 3600, `Retry-After ${fourth.headers.get('retry-after')}`);
  // A refusal for another reason is not counted: the same address is refused, not limited.
  assert.equal((await cand.post('/api/me/email', { email: cand.email, current_password: PASSWORD })).status, 409);
});

test('the pages: the holder asks, the link\'s page asks again, then the address changes', async () => {
  const cand = await candidateClient(d, 'Gita Halaman');
  const fresh = uniqueEmail('halaman');
  const page = await cand.get('/account/email');
  assert.equal(page.status, 200, page.text);
  assert.ok(page.text.includes(cand.email), 'the page shows the current address');
  assert.ok(page.text.includes('action="/account/email"'), 'with the form');
  const me = await cand.get('/me');
  assert.ok(me.text.includes('href="/account/email"'), 'the dashboard links to it');

  const wrong = await cand.req('POST', '/account/email', form({ csrf: cand.csrf, email: fresh, current_password: 'salah-sekali' }), FORM);
  assert.equal(wrong.status, 403, wrong.text);
  assert.ok(wrong.text.includes('id="form-error"') && wrong.text.includes(`value="${fresh}"`), 'the form again, the address kept');
  const sent = await cand.req('POST', '/account/email', form({ csrf: cand.csrf, email: fresh, current_password: PASSWORD }), FORM);
  assert.equal(sent.status, 303, sent.text);
  assert.equal(sent.headers.get('location'), '/account/email?notice=email_change_sent');
  const waiting = await cand.get('/account/email?notice=email_change_sent');
  assert.ok(waiting.text.includes('id="email-pending"') && waiting.text.includes(fresh), 'the change waiting is shown');

  const token = linkToken(await mailFor(sink.mails, fresh));
  const confirmed = await new Client(d.url).req('POST', '/ubah-email', form({ t: token, current_password: PASSWORD }), FORM);
  assert.equal(confirmed.status, 200, confirmed.text);
  assert.equal((await new Client(d.url).login(fresh, PASSWORD)).status, 200);
});

test('an administrator corrects an address, with a reason; both addresses are told', async () => {
  const cand = await candidateClient(d, 'Hadi Kotak Hilang');
  const id = cand.user.id;
  const other = await candidateClient(d, 'Indah Lain');
  const fresh = uniqueEmail('koreksi');

  const noReason = await admin.post(`/api/admin/users/${id}/email`, { email: fresh });
  assert.equal(noReason.status, 400, noReason.text);
  assert.equal(noReason.json.error, 'reason_required');
  const bad = await admin.post(`/api/admin/users/${id}/email`, { email: 'tanpa-at', reason: REASON });
  assert.equal(bad.status, 400);
  const taken = await admin.post(`/api/admin/users/${id}/email`, { email: other.email.toUpperCase(), reason: REASON });
  assert.equal(taken.status, 409, taken.text);
  assert.equal(taken.json.error, 'email_taken');
  assert.equal((await admin.post('/api/admin/users/999999/email', { email: fresh, reason: REASON })).status, 404);
  assert.equal((await cand.post(`/api/admin/users/${id}/email`, { email: fresh, reason: REASON })).status, 403);
  assert.equal((await cand.get('/api/auth/me')).json.user.email, cand.email, 'nothing changed by the refusals');

  const ok = await admin.post(`/api/admin/users/${id}/email`, { email: fresh, reason: REASON });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { user: { id, email: fresh }, changed: true });
  assert.equal((await cand.get('/api/auth/me')).json.user.email, fresh, 'the session sees it at once');
  assert.equal((await new Client(d.url).login(fresh, PASSWORD)).status, 200);
  assert.equal((await new Client(d.url).login(cand.email, PASSWORD)).status, 401);
  const again = await admin.post(`/api/admin/users/${id}/email`, { email: fresh, reason: REASON });
  assert.deepEqual(again.json, { user: { id, email: fresh }, changed: false });

  const entries = await auditOf(admin, 'user.email_change', id);
  assert.equal(entries.length, 1);
  assert.deepEqual(entries[0].before, { email: cand.email });
  assert.deepEqual(entries[0].after, { via: 'admin', reason: REASON, email: fresh });
  assert.ok(await mailFor(sink.mails, fresh), 'the new address is told');
  const toOld = await mailFor(sink.mails, cand.email);
  assert.ok(toOld && toOld.text.includes(fresh), 'the old address is told where the account went');

  const form1 = await admin.get(`/admin/users/${id}/email`);
  assert.equal(form1.status, 200);
  assert.ok(form1.text.includes(`value="${fresh}"`), 'the admin form shows the address on record');
});

test('the CLI corrects an address beside the running daemon: audited with the reason, no mail', async () => {
  const cand = await candidateClient(d, 'Joko Tanpa Admin');
  const id = cand.user.id;
  const fresh = uniqueEmail('clikoreksi');
  const mailsBefore = sink.mails.filter((m) => !isSignInNotice(m)).length;
  const usage = cli(['admin', 'set-email', cand.email, fresh], { dataDir: d.dataDir });
  assert.equal(usage.status, 2, 'no reason: refused before anything');
  assert.match(usage.stderr, /--reason TEXT/);
  assert.equal(cli(['admin', 'set-email', cand.email, 'tanpa-at', '--reason', REASON], { dataDir: d.dataDir }).status, 2);
  const unknown = cli(['admin', 'set-email', uniqueEmail('tidakada'), fresh, '--reason', REASON], { dataDir: d.dataDir });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no account with the e-mail/);
  assert.equal(cli(['admin', 'set-email', cand.email, admin.email, '--reason', REASON], { dataDir: d.dataDir }).status, 1,
    'an address another account has');
  assert.equal((await cand.get('/api/auth/me')).json.user.email, cand.email, 'nothing changed by the refusals');

  const r = cli(['admin', 'set-email', cand.email.toUpperCase(), fresh, '--reason', REASON], { dataDir: d.dataDir });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`account ${id} now has the e-mail ${fresh} \\(no mail was sent\\)`));
  assert.equal((await cand.get('/api/auth/me')).json.user.email, fresh, 'the daemon\'s session sees it at once');
  assert.equal((await new Client(d.url).login(fresh, PASSWORD)).status, 200);
  const entries = await auditOf(admin, 'user.email_change', id);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].actor, null, 'by the system (the operator at the console)');
  assert.deepEqual(entries[0].after, { via: 'admin', reason: REASON, email: fresh });
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(sink.mails.filter((m) => !isSignInNotice(m)).length, mailsBefore, 'the CLI sends no mail');
});

test('without an SMTP server the holder is sent to the LSP', async (t) => {
  const plain = await startDaemon({});
  t.after(async () => { await stopClean(plain); plain.cleanup(); });
  const cand = await candidateClient(plain, 'Joko Tanpa Surel');
  assert.equal((await cand.get('/api/me/email')).json.self_service, false);
  const r = await cand.post('/api/me/email', { email: uniqueEmail('x'), current_password: PASSWORD });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'email_change_no_mail');
  const page = await cand.get('/account/email');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('id="email-ask-admin"'), 'the page says whom to ask');
  assert.ok(!page.text.includes('action="/account/email"'), 'and has no form');
});
