// A candidate downloads their own data from the dashboard, in Chromium on a 360 px phone: the
// section says what the file holds and that downloads are recorded, the link saves one JSON
// file named for the account and the day, holding the account and the complaint just
// lodged; in Indonesian and in English; axe, 360 px and 200 % text. An administrator saves the
// same file from the account's row on the admin page, for a request made to the LSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  newPage, checkPage, assertAccessible, assertNoDialogs, daemonAndBrowser, registerCandidate, staffAccount, loginViaForm,
} from './lib/browser.mjs';

const NAME = 'Dewi Lestari Putri';
const STORY = 'Jadwal uji diubah dua kali tanpa pemberitahuan kepada peserta.';
const env = daemonAndBrowser();

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

test('the admin page saves a person\'s file from their row', async () => {
  const { d, browser } = env;
  const c = await newPage(browser, { width: 360, height: 800 });
  const email = await registerCandidate(c.page, d.url, 'datalsp', 'Yuliana Pardede');
  await c.context.close();
  const staff = await staffAccount(env, 'admin', 'Admin Data');
  const a = await newPage(browser, { width: 1280, height: 900 });
  await loginViaForm(a.page, d.url, staff.email);
  await a.page.goto(`${d.url}/admin?uq=${encodeURIComponent('Yuliana')}`);
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
