// The pages without JavaScript (axe needs scripts, so accessibility is checked in the
// journey test): a candidate registers, starts an exam, saves answers with
// the plain form post, is told what is wrong with a malformed answer, reviews, is stopped
// by the confirmation box, submits, and sees the pending result. Also the log-in page with
// a wrong password and the language cookie.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, uniqueEmail, PASSWORD } from '../integration/lib/daemon.mjs';
import { launch, assertNoDialogs } from './lib/browser.mjs';

let d;
let browser;

before(async () => {
  d = await startDaemon();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (d) { await d.stop(); d.cleanup(); }
});

async function noJsPage() {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (dlg) => { dialogs.push(dlg.message()); dlg.dismiss().catch(() => {}); });
  return { context, page, dialogs, errors: [] };
}

test('without JavaScript a candidate can take and submit an exam with plain forms', async () => {
  const p = await noJsPage();
  const { page } = p;
  const email = uniqueEmail('nojs');
  await page.goto(`${d.url}/register`);
  await page.fill('#name', 'Budi Santoso');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/register"] button[type=submit]')]);
  assert.match(await page.textContent('main'), /Anda belum mengikuti uji/);

  await page.goto(`${d.url}/`);
  // "Mulai uji" is a link to the page before the clock starts; its button starts it.
  await Promise.all([page.waitForURL(/\/exams\/KLN-JMK-JR\/start$/), page.click('a[href="/exams/KLN-JMK-JR/start"]')]);
  await Promise.all([page.waitForURL(/\/attempts\/\d+$/), page.click('form[action="/exams/KLN-JMK-JR/start"] button')]);
  const items = page.locator('fieldset.item');
  const total = await items.count();
  assert.ok(total >= 5, 'the form has items');
  assert.equal(await page.locator('input.flag').count(), 0, 'the check box is the script\'s');
  assert.equal(await page.locator('fieldset.item button[name=flag]').count(), total, 'every item has a flag button without JavaScript');

  // Answer the first radio/checkbox item and put text into a numeric item.
  const choice = page.locator('fieldset.item[data-type=single], fieldset.item[data-type=truefalse]').first();
  await choice.locator('input[type=radio]').first().check();
  const numeric = page.locator('fieldset.item[data-type=numeric]').first();
  const hasNumeric = await numeric.count();
  if (hasNumeric) await numeric.locator('input[type=text]').fill('bukan angka');
  await Promise.all([page.waitForNavigation(), page.click('button[value=save]')]);
  if (hasNumeric) {
    // The malformed number is refused with a message; the good answer was still saved.
    assert.match(await page.textContent('main'), /Tulis dengan angka/);
    assert.equal(await page.locator('fieldset.item[data-type=numeric] input[aria-invalid=true]').first().inputValue(), 'bukan angka', 'the text typed stays, marked invalid');
    await page.locator('fieldset.item[data-type=numeric]').first().locator('input[type=text]').fill('4,5');
    await Promise.all([page.waitForNavigation(), page.click('button[value=save]')]);
  }
  assert.match(page.url(), /saved=1/);
  assert.match(await page.textContent('main'), /Jawaban Anda sudah disimpan/);
  assert.equal(await page.locator('fieldset.item[data-type=single] input[type=radio]:checked, fieldset.item[data-type=truefalse] input[type=radio]:checked').count(), 1);

  await Promise.all([page.waitForURL(/\/review$/), page.click('button[value=review]')]);
  assert.match(await page.textContent('main'), /Soal yang belum dijawab/);
  // The confirmation is required: the browser blocks the empty box, and the server refuses
  // a post without it too.
  const res = await page.request.post(page.url().replace(/\/review$/, '/submit'), {
    form: { csrf: await page.getAttribute('input[name=csrf]', 'value') },
    headers: { Origin: d.url },
  });
  assert.equal(res.status(), 400, 'submit without the confirmation is refused');
  await page.check('#confirm');
  await Promise.all([page.waitForURL(/\/me/), page.click('form[action$="/submit"] button[type=submit]')]);
  const main = await page.textContent('main');
  assert.match(main, /Sudah dikumpulkan/);
  assertNoDialogs(p);
  await p.context.close();
});

test('a wrong password shows a page, and the language choice is remembered', async () => {
  const p = await noJsPage();
  const { page } = p;
  await page.goto(`${d.url}/login`);
  await page.fill('#email', uniqueEmail('nobody'));
  await page.fill('#password', 'salah-sekali-123');
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForLoadState();
  assert.match(await page.textContent('main'), /Email atau kata sandi salah/);
  await page.goto(`${d.url}/login`);
  await Promise.all([page.waitForURL(/\/login$/), page.click('a.lang')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.goto(`${d.url}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice is remembered');
  assert.match(await page.textContent('h1'), /Creative-economy competency tests/);
  await p.context.close();
});
