// A candidate downloads their own data from the dashboard, in Chromium on a 360 px phone: the
// section says what the file holds and that downloads are recorded, the link saves one JSON
// file named for the account and the day, holding the account and the complaint just
// lodged; in Indonesian and in English; axe, 360 px and 200 % text. An administrator saves the
// same file from the account's row on the admin page, for a request made to the LSP, and
// corrects a name and an e-mail address through their forms. A candidate moves their account
// to a new e-mail address: the form, the link mailed there (a local SMTP sink), the page it
// opens, and the log-in with the new address. A candidate signed in at a test-site computer
// signs it out from their phone (/account/sessions); an administrator ends every session of
// an account from its page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  newPage, checkPage, assertAccessible, assertNoDialogs, daemonAndBrowser, registerCandidate, staffAccount, loginViaForm,
} from './lib/browser.mjs';
import { PASSWORD, uniqueEmail } from '../integration/lib/daemon.mjs';
import { smtpSink, mailFor } from '../integration/lib/smtp.mjs';

const NAME = 'Dewi Lestari Putri';
const STORY = 'Jadwal uji diubah dua kali tanpa pemberitahuan kepada peserta.';
const sink = await smtpSink();
const env = daemonAndBrowser({ args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test'] });
after(() => sink.close());

test('the dashboard hands the candidate a copy of their data', async () => {
  const { d, browser } = env;
  const c = await newPage(browser, { width: 360, height: 800 });
  const email = await registerCandidate(c.page, d.url, 'datasaya', NAME);
  const csrf = await c.page.locator('input[name=csrf]').first().getAttribute('value');
  const lodged = await c.page.request.post(`${d.url}/api/complaints`, {
    data: { name: NAME, category: 'service', about: 'Jadwal Maret 2026', body: STORY },
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrf, Origin: d.url },
  });
  assert.equal(lodged.status(), 201, await lodged.text());

  await c.page.goto(`${d.url}/me`);
  const section = c.page.locator('#personal-data');
  assert.equal((await section.textContent()).trim(), 'Data pribadi Anda');
  const link = c.page.getByRole('link', { name: 'Unduh data saya (JSON)' });
  assert.equal(await link.getAttribute('href'), '/api/me/data');
  await checkPage(c.page, 'me-personal-data');

  const [download] = await Promise.all([c.page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /^ujikom-data-\d+-\d{4}-\d\d-\d\d\.json$/);
  const doc = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(doc.format, 'ujikom-personal-data/1');
  assert.equal(doc.account.name, NAME);
  assert.equal(doc.account.email, email);
  assert.deepEqual(doc.complaints.map((x) => x.body), [STORY]);

  await c.page.goto(`${d.url}/lang?to=en&back=%2Fme`);
  await c.page.waitForURL(`${d.url}/me`);
  assert.equal((await section.textContent()).trim(), 'Your personal data');
  assert.equal(await c.page.getByRole('link', { name: 'Download my data (JSON)' }).count(), 1);
  await assertAccessible(c.page, 'personal data section in English');
  assertNoDialogs(c);
  assert.deepEqual(c.errors, []);
  await c.context.close();
});

test('the admin saves a person\'s file from their account\'s page', async () => {
  const { d, browser } = env;
  const c = await newPage(browser, { width: 360, height: 800 });
  const email = await registerCandidate(c.page, d.url, 'datalsp', 'Yuliana Pardede');
  await c.context.close();
  const staff = await staffAccount(env, 'admin', 'Admin Data');
  const a = await newPage(browser, { width: 1280, height: 900 });
  await loginViaForm(a.page, d.url, staff.email);
  await a.page.goto(`${d.url}/admin?uq=${encodeURIComponent('Yuliana')}`);
  await Promise.all([a.page.waitForURL(/\/admin\/users\/\d+$/),
    a.page.locator('section:has(#s-accounts) tbody a', { hasText: 'Yuliana Pardede' }).click()]);
  const link = a.page.getByRole('link', { name: 'Data pribadi (JSON): Yuliana Pardede' });
  assert.equal(await link.count(), 1);
  const [download] = await Promise.all([a.page.waitForEvent('download'), link.click()]);
  const doc = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(doc.account.email, email);
  assert.equal(doc.account.name, 'Yuliana Pardede');
  assertNoDialogs(a);
  assert.deepEqual(a.errors, []);
  await a.context.close();
});

test('the admin corrects a name through its form, with what it was checked against', async () => {
  const { d, browser } = env;
  const c = await newPage(browser, { width: 360, height: 800 });
  await registerCandidate(c.page, d.url, 'ubahnama', 'Agus Salimm');
  await c.context.close();
  const staff = await staffAccount(env, 'admin', 'Admin Nama');
  const a = await newPage(browser, { width: 1280, height: 900 });
  await loginViaForm(a.page, d.url, staff.email);
  await a.page.goto(`${d.url}/admin?uq=${encodeURIComponent('Agus Salimm')}`);
  await Promise.all([a.page.waitForURL(/\/admin\/users\/\d+$/),
    a.page.locator('section:has(#s-accounts) tbody a', { hasText: 'Agus Salimm' }).click()]);
  await a.page.getByRole('link', { name: 'Ubah nama: Agus Salimm' }).click();
  await a.page.waitForURL(/\/admin\/users\/\d+\/name$/);
  assert.equal(await a.page.inputValue('#f-name-rename'), 'Agus Salimm');
  assert.match(await a.page.textContent('#rename-current'), /Agus Salimm/);
  await checkPage(a.page, 'admin-rename');
  await a.page.fill('#f-name-rename', 'Agus Salim');
  await a.page.fill('#f-reason-rename', 'KTP ditunjukkan di TUK');
  await Promise.all([a.page.waitForURL(/\?notice=name_corrected$/), a.page.click('form[action$="/name"] button[type=submit]')]);
  assert.match(await a.page.textContent('main'), /Nama akun telah diperbaiki/);
  assert.match(await a.page.textContent('#rename-current'), /Agus Salim\./);
  await assertAccessible(a.page, 'name corrected notice');
  assertNoDialogs(a);
  assert.deepEqual(a.errors, []);
  await a.context.close();
});

test('a candidate moves their account to a new e-mail address', async () => {
  const { d, browser } = env;
  const c = await newPage(browser, { width: 360, height: 800 });
  const old = await registerCandidate(c.page, d.url, 'pindahsurel', 'Rudi Hartono');
  const fresh = uniqueEmail('surelbaru');
  await Promise.all([c.page.waitForURL(/\/account\/email$/), c.page.getByRole('link', { name: 'Ganti alamat email' }).click()]);
  assert.match(await c.page.textContent('#email-current'), new RegExp(old.replace(/[.+]/g, '\\$&')));
  await checkPage(c.page, 'account-email');

  // A wrong password: the form again, the address kept, the password field marked.
  await c.page.fill('#email', fresh);
  await c.page.fill('#current_password', 'bukan-sandi-saya');
  await Promise.all([c.page.waitForNavigation(), c.page.click('form[action="/account/email"] button[type=submit]')]);
  assert.match(await c.page.textContent('#form-error'), /Kata sandi sekarang salah/);
  assert.equal(await c.page.inputValue('#email'), fresh);
  assert.equal(await c.page.getAttribute('#current_password', 'aria-invalid'), 'true');
  await assertAccessible(c.page, 'e-mail form refused');

  await c.page.fill('#current_password', PASSWORD);
  await Promise.all([c.page.waitForURL(/notice=email_change_sent$/), c.page.click('form[action="/account/email"] button[type=submit]')]);
  assert.match(await c.page.textContent('#email-pending'), new RegExp(fresh.replace(/[.+]/g, '\\$&')));
  await checkPage(c.page, 'account-email-pending');

  const mail = await mailFor(sink.mails, fresh);
  assert.ok(mail, 'the link went to the new address');
  const link = mail.text.match(/\/ubah-email\?t=[A-Za-z0-9_-]{43}/);
  assert.ok(link, mail.text);
  // The link opened on the phone, logged out (under the daemon's address: its public URL is
  // the default's): it asks first.
  const o = await newPage(browser, { width: 360, height: 800 });
  await o.page.goto(`${d.url}${link[0]}`);
  assert.ok((await o.page.textContent('#email-confirm-text')).includes(fresh));
  await checkPage(o.page, 'email-confirm');
  await o.page.fill('#current_password', PASSWORD);
  await Promise.all([o.page.waitForNavigation(), o.page.getByRole('button', { name: 'Pakai alamat ini' }).click()]);
  assert.match(await o.page.textContent('main'), /Alamat email akun Anda sudah diganti/);
  await assertAccessible(o.page, 'e-mail changed');
  await loginViaForm(o.page, d.url, fresh);
  assert.match(o.page.url(), /\/me$/, 'the new address logs in');
  for (const p of [c, o]) {
    assertNoDialogs(p);
    await p.context.close();
  }
});

test('the admin corrects an e-mail address through its form, with how the holder was identified', async () => {
  const { d, browser } = env;
  const c = await newPage(browser, { width: 360, height: 800 });
  await registerCandidate(c.page, d.url, 'surelhilang', 'Wayan Sudarma');
  await c.context.close();
  const staff = await staffAccount(env, 'admin', 'Admin Surel');
  const fresh = uniqueEmail('surelkoreksi');
  const a = await newPage(browser, { width: 1280, height: 900 });
  await loginViaForm(a.page, d.url, staff.email);
  await a.page.goto(`${d.url}/admin?uq=${encodeURIComponent('Wayan Sudarma')}`);
  await Promise.all([a.page.waitForURL(/\/admin\/users\/\d+$/),
    a.page.locator('section:has(#s-accounts) tbody a', { hasText: 'Wayan Sudarma' }).click()]);
  await a.page.getByRole('link', { name: 'Ubah email: Wayan Sudarma' }).click();
  await a.page.waitForURL(/\/admin\/users\/\d+\/email$/);
  await checkPage(a.page, 'admin-email');
  await a.page.fill('#f-email-email', fresh);
  await a.page.fill('#f-reason-email', 'KTP ditunjukkan di TUK Denpasar');
  await Promise.all([a.page.waitForURL(/\?notice=email_corrected$/), a.page.click('form[action$="/email"] button[type=submit]')]);
  assert.match(await a.page.textContent('main'), /Alamat email akun telah diperbaiki/);
  assert.ok((await a.page.textContent('#email-current')).includes(fresh));
  await assertAccessible(a.page, 'e-mail corrected notice');
  assertNoDialogs(a);
  await a.context.close();
});


test('a computer left signed in at the test site is signed out from the phone', async () => {
  const { d, browser } = env;
  // The test site's computer and the candidate's phone, as their browsers name themselves.
  const tuk = await newPage(browser, {
    width: 1280, height: 900,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  });
  const email = await registerCandidate(tuk.page, d.url, 'sesituk', 'Made Wirawan');
  const phone = await newPage(browser, {
    width: 360, height: 800,
    userAgent: 'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
  });
  await loginViaForm(phone.page, d.url, email);
  // and the candidate's own laptop
  const laptop = await newPage(browser, {
    width: 1280, height: 900,
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  });
  await loginViaForm(laptop.page, d.url, email);
  await phone.page.goto(`${d.url}/me`);
  // The dashboard says so, most recently used first, with the way to the sessions page.
  assert.equal(await phone.page.locator('#other-sessions').textContent(),
    'Akun Anda juga sedang masuk di 2 perangkat lain: Safari di macOS, Chrome di Windows. Lihat atau keluarkan di Sesi masuk');
  await Promise.all([phone.page.waitForURL(/\/account\/sessions$/),
    phone.page.getByRole('link', { name: 'Sesi masuk', exact: true }).click()]);
  const rows = phone.page.locator('main table tbody tr');
  assert.equal(await rows.count(), 3, 'the computer, the phone and the laptop');
  assert.match(await phone.page.locator('#session-current').textContent(), /Samsung Internet di Android.*perangkat ini/);
  assert.equal(await phone.page.locator('#session-current button').count(), 0, 'the device in use has no button');
  assert.match(await phone.page.locator('main table thead').textContent(), /Perangkat.*Masuk.*Terakhir dipakai.*Berakhir/);
  await checkPage(phone.page, 'account-sessions');
  // The test site's computer alone, by its row's button (named for a screen reader).
  await Promise.all([phone.page.waitForURL(/notice=session_ended/),
    phone.page.getByRole('button', { name: 'Keluarkan (Chrome di Windows)' }).click()]);
  assert.match(await phone.page.locator('main p.notice.ok').textContent(), /Sesi itu telah dikeluarkan/);
  assert.equal(await rows.count(), 2);
  assert.doesNotMatch(await phone.page.locator('main table tbody').textContent(), /Chrome di Windows/);
  assert.match(await phone.page.locator('main table tbody').textContent(), /Safari di macOS/);
  await assertAccessible(phone.page, 'sessions after signing out one');
  await laptop.page.goto(`${d.url}/me`);
  assert.equal(new URL(laptop.page.url()).pathname, '/me', 'the laptop stays signed in');
  await Promise.all([phone.page.waitForURL(/notice=sessions_ended/),
    phone.page.getByRole('button', { name: 'Keluar dari semua perangkat lain' }).click()]);
  assert.match(await phone.page.locator('main p.notice.ok').textContent(), /keluar dari semua perangkat lain/);
  assert.equal(await rows.count(), 1);
  assert.equal(await phone.page.locator('#sessions-none').count(), 1);
  await assertAccessible(phone.page, 'sessions after signing out the others');
  // The computer at the test site and the laptop are signed out; the phone is not.
  for (const p of [tuk, laptop]) {
    await p.page.goto(`${d.url}/me`);
    assert.match(new URL(p.page.url()).pathname, /^\/login/);
  }
  await phone.page.goto(`${d.url}/me`);
  assert.equal(new URL(phone.page.url()).pathname, '/me');
  assert.equal(await phone.page.locator('#other-sessions').count(), 0, 'signed in nowhere else now');

  // An administrator ends every session of an account from its page, after a confirmation.
  const staff = await staffAccount(env, 'admin', 'Admin Sesi');
  const a = await newPage(browser, { width: 1280, height: 900 });
  await loginViaForm(a.page, d.url, staff.email);
  await a.page.goto(`${d.url}/admin?uq=${encodeURIComponent(email)}`);
  await Promise.all([a.page.waitForURL(/\/admin\/users\/\d+$/),
    a.page.locator('section:has(#s-accounts) tbody a', { hasText: 'Made Wirawan' }).click()]);
  const facts = await a.page.locator('#account-facts').textContent();
  assert.match(facts, /Sesi aktif1/);
  assert.match(facts, /Terakhir masuk atau dipakai20\d\d-\d\d-\d\d \d\d:\d\d (WIB|WITA|WIT)/, 'the phone\'s last use');
  await a.page.getByRole('link', { name: 'Akhiri semua sesi: Made Wirawan' }).click();
  const dialog = a.page.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Semua sesi masuk milik Made Wirawan akan segera berakhir/);
  await assertAccessible(a.page, 'end sessions dialog');
  await Promise.all([a.page.waitForURL(/notice=user_sessions_ended/), dialog.locator('button[type=submit]').click()]);
  assert.match(await a.page.locator('main p.notice.ok').textContent(), /Semua sesi akun telah diakhiri/);
  assert.match(await a.page.locator('#account-facts').textContent(), /Sesi aktif0/);
  assert.equal(await a.page.getByRole('link', { name: /Akhiri semua sesi/ }).count(), 0);
  await phone.page.goto(`${d.url}/me`);
  assert.match(new URL(phone.page.url()).pathname, /^\/login/);
  for (const p of [tuk, phone, laptop, a]) {
    assertNoDialogs(p);
    await p.context.close();
  }
});
