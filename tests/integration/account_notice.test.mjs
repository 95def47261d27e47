// Security notices to an account's holder (common/account_notice.h), by mail:
// - a sign-in from a new browser, when the account has signed in before: the kind of device,
//   the time in the holder's zone and in UTC, the address, the link to sign the other devices
//   out. The first sign-in, a known browser and a wrong password send nothing; at most six
//   an hour per account; the sign-in itself is never held up;
// - the password changed by its holder, or set with a reset link;
// - a staff member's second factor set up, or removed by an administrator (without the
//   administrator's device or address).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { startDaemon, stopClean, Client, adminClient, uniqueEmail, PASSWORD, cli } from './lib/daemon.mjs';
import { totp } from './lib/totp.mjs';
import { smtpSink, mailFor } from './lib/smtp.mjs';

const PUBLIC = 'https://ujikom.contoh.test';
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const ANDROID_SAMSUNG = 'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36';
const IPHONE_SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1';

let sink;
let d;

before(async () => {
  sink = await smtpSink();
  d = await startDaemon({ args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test',
    '--public-url', PUBLIC] });
});

after(async () => {
  if (d && !d.exited()) await stopClean(d);
  if (d) d.cleanup();
  if (sink) await sink.close();
});

const mailsTo = (email) => sink.mails.filter((m) => m.to.includes(email));

// Waits until email has n mails (failing after 15 s), then a moment more to see that no
// other comes.
async function expectMails(email, n) {
  const end = Date.now() + 15_000;
  while (mailsTo(email).length < n && Date.now() < end) await sleep(50);
  await sleep(300);
  assert.equal(mailsTo(email).length, n, mailsTo(email).map((m) => m.text).join('\n----\n'));
  return mailsTo(email);
}

// A browser: its own cookies (the device cookie among them) and User-Agent.
function browser(ua) {
  return new Client(d.url, { headers: { 'User-Agent': ua } });
}

async function signIn(c, email, password = PASSWORD) {
  const r = await c.login(email, password);
  return r.status;
}

test('a sign-in from a new browser is told to the holder; the first one and known ones are not', async () => {
  const email = uniqueEmail('notice');
  const laptop = browser(WINDOWS_CHROME);
  assert.equal((await laptop.register('Ratna Sari Dewi', email, PASSWORD)).status, 201);
  assert.equal(await signIn(laptop, email), 200, 'the first sign-in: no other device yet');
  assert.equal(await signIn(laptop, email), 200, 'the same browser again');
  const phone = browser(ANDROID_SAMSUNG);
  assert.equal(await signIn(phone, email, 'salah-sandi-123'), 401, 'a wrong password');
  const started = Date.now();
  assert.equal(await signIn(phone, email), 200, 'a new browser');
  assert.ok(Date.now() - started < 5_000, 'the sign-in does not wait for the mail');

  const [mail] = await expectMails(email, 1);
  assert.match(mail.text, /Subject: Masuk baru ke akun ujikom \/ New sign-in to your ujikom account/);
  assert.match(mail.text, /Halo Ratna Sari Dewi,/);
  assert.match(mail.text, /Perangkat: +Samsung Internet di Android/);
  assert.match(mail.text, /Device: +Samsung Internet on Android/);
  assert.match(mail.text, /Waktu: +\d{4}-\d\d-\d\d \d\d:\d\d WIB/, 'in WIB until the holder chooses a zone');
  assert.match(mail.text, /Time: +\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  assert.match(mail.text, /Alamat IP: +127\.0\.0\.1/);
  assert.ok(mail.text.includes(`${PUBLIC}/account/sessions`), 'where to sign the others out');
  assert.ok(!/csrf|token|[A-Za-z0-9_-]{43}/.test(mail.text.split('\r\n\r\n').slice(1).join('\n')), 'no token in the text');

  // The phone is known now; the laptop too.
  assert.equal(await signIn(phone, email), 200);
  assert.equal(await signIn(laptop, email), 200);
  // A third browser, after the holder chose WITA: the time is in WITA.
  assert.equal((await laptop.put('/api/me/time-zone', { time_zone: 'WITA' })).status, 200);
  assert.equal(await signIn(browser(IPHONE_SAFARI), email), 200);
  const mails = await expectMails(email, 2);
  assert.match(mails[1].text, /Perangkat: +Safari di iPhone/);
  assert.match(mails[1].text, /Waktu: +\d{4}-\d\d-\d\d \d\d:\d\d WITA/);
  // A client that names no known browser: still told, as not recognised.
  assert.equal(await signIn(browser('curl/8.5.0'), email), 200);
  const third = (await expectMails(email, 3))[2];
  assert.match(third.text, /Perangkat: +tidak dikenali/);
  assert.match(third.text, /Device: +not recognised/);
});

test('at most six notices an hour per account; the sign-ins go on', async () => {
  const email = uniqueEmail('banyak');
  const first = browser(WINDOWS_CHROME);
  assert.equal((await first.register('Budi Hartono', email, PASSWORD)).status, 201);
  assert.equal(await signIn(first, email), 200);
  for (let i = 0; i < 9; i++) assert.equal(await signIn(browser(ANDROID_SAMSUNG), email), 200, `sign-in ${i + 1}`);
  await expectMails(email, 6);
  // Another account's notices are its own.
  const other = uniqueEmail('lain');
  const o = browser(WINDOWS_CHROME);
  assert.equal((await o.register('Sinta Lestari', other, PASSWORD)).status, 201);
  assert.equal(await signIn(o, other), 200);
  assert.equal(await signIn(browser(IPHONE_SAFARI), other), 200);
  await expectMails(other, 1);
});

const NEW_PASSWORD = 'Rendang-Padang-2026!';
const subjectOf = (m) => m.text.split('\r\n').concat(m.text.split('\n')).find((l) => l.startsWith('Subject:'));

test('a changed password is told, with where it was changed from and what to do', async () => {
  const email = uniqueEmail('sandi');
  const laptop = browser(WINDOWS_CHROME);
  assert.equal((await laptop.register('Dewi Anggraini', email, PASSWORD)).status, 201);
  assert.equal(await signIn(laptop, email), 200);
  const changed = await laptop.post('/api/auth/password', { current_password: PASSWORD, new_password: NEW_PASSWORD });
  assert.equal(changed.status, 200, changed.text);
  const [mail] = await expectMails(email, 1);
  assert.equal(subjectOf(mail), 'Subject: Kata sandi akun ujikom diubah / Your ujikom password was changed');
  assert.match(mail.text, /baru saja diubah dari sesi yang sedang masuk/);
  assert.match(mail.text, /Perangkat: +Chrome di Windows/);
  assert.match(mail.text, /Alamat IP: +127\.0\.0\.1/);
  assert.ok(mail.text.includes(`${PUBLIC}/lupa-sandi`), 'a candidate is pointed to a reset link');
  // A wrong current password changes nothing and tells nothing.
  assert.equal((await laptop.post('/api/auth/password', { current_password: 'salah-lagi-123', new_password: PASSWORD })).status, 403);
  await expectMails(email, 1);
});

test('a staff member is told of their second factor set up, and of its removal by an administrator', async () => {
  const email = uniqueEmail('asesor');
  const made = cli(['admin', 'create', '--email', email, '--name', 'Asesor Dua Faktor', '--role', 'assessor'],
    { input: `${PASSWORD}\n`, dataDir: d.dataDir });
  assert.equal(made.status, 0, made.stderr);
  const staff = browser(ANDROID_SAMSUNG);
  assert.equal(await signIn(staff, email), 200);
  const begin = await staff.post('/api/auth/2fa/enrol', {});
  assert.equal(begin.status, 200, begin.text);
  assert.equal((await staff.post('/api/auth/2fa/confirm', { code: totp(begin.json.secret) })).status, 200);
  const [on] = await expectMails(email, 1);
  assert.equal(subjectOf(on), 'Subject: Faktor kedua akun ujikom aktif / Second factor set up for your ujikom account');
  assert.match(on.text, /Halo Asesor Dua Faktor,/);
  assert.match(on.text, /Perangkat: +Samsung Internet di Android/);
  assert.match(on.text, /segera hubungi administrator LSP/);
  assert.ok(!on.text.includes('/lupa-sandi'), 'staff are not sent to the candidates\' reset form');

  const admin = await adminClient(d);
  const id = (await staff.get('/api/auth/me')).json.user.id;
  assert.equal((await admin.post(`/api/admin/users/${id}/2fa/reset`, {})).status, 200);
  const off = (await expectMails(email, 2))[1];
  assert.equal(subjectOf(off), 'Subject: Faktor kedua akun ujikom dihapus / Second factor removed from your ujikom account');
  assert.match(off.text, /Seorang administrator LSP menghapus faktor kedua/);
  assert.match(off.text, /Waktu: +\d{4}-\d\d-\d\d \d\d:\d\d WIB/);
  assert.ok(!/Perangkat:|Alamat IP:|Device:|IP address:/.test(off.text), 'nothing of the administrator\'s device');
  // The administrator's own sign-in was their first: nothing to them.
  await sleep(300);
  assert.equal(mailsTo(admin.email).length, 0);
});
