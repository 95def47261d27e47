// Re-certification in Chromium at 360 px (issue 20 item 5): the reminder on the holder's
// certificate card, its button opening the re-certification and leading to the exam's start
// page, and after the new certificate the verification pages linking each other (new →
// "renews", old → "renewed by"), in both languages. axe on every state; the screenshots
// (tests/artifacts/screenshots/recert-*) are the ones docs/operations.md shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateClient, PASSWORD } from '../integration/lib/daemon.mjs';
import { certify, objectiveExamsDir } from '../integration/lib/certify.mjs';
import {
  newPage, checkPage, assertNoDialogs, daemonAndBrowser, partScreenshot,
} from './lib/browser.mjs';

const EXAM = 'UJI-ULANG-JR';
// Valid one year, reminded from 400 days: the reminder shows at once.
const env = daemonAndBrowser({
  examsDir: objectiveExamsDir(EXAM, { validityYears: 1 }),
  args: ['--recert-remind-days', '400,30'],
});

test('the reminder leads to re-certification; the verify pages link old and new', async () => {
  const { d } = env;
  const api = await candidateClient(d, 'Putu Ayu Lestari');
  const serial = await certify(api, EXAM);
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page } = p;
  await page.goto(`${d.url}/login`);
  await page.fill('#email', api.email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/login"] button[type=submit]')]);

  const reminder = page.locator(`#recert-${serial}`);
  assert.ok(await reminder.isVisible(), 'the reminder is on the card');
  assert.match(await reminder.textContent(), /Sertifikat ini berakhir dalam 36[56] hari/);
  await reminder.scrollIntoViewIfNeeded();
  await checkPage(page, 'recert-reminder');
  await partScreenshot(page, page.locator(`#cert-${serial}`), 'recert-card-360', { width: 360, maxHeight: 560 });

  await Promise.all([page.waitForURL(new RegExp(`/exams/${EXAM}/start$`)),
    reminder.locator('button[data-kind="recert-open"]').click()]);
  await checkPage(page, 'recert-start');
  await page.goto(`${d.url}/me`);
  assert.equal(await page.locator(`#recert-${serial} a[data-kind="recert-start"]`).getAttribute('href'),
    `/exams/${EXAM}/start`, 'once open, the card leads on to the exam');

  const renewed = await certify(api, EXAM);
  await page.goto(`${d.url}/verify?serial=${renewed}`);
  const toOld = page.locator('a.recertifies');
  assert.equal(await toOld.textContent(), serial);
  assert.match(await page.locator('main').textContent(), /Memperbarui sertifikat/);
  await checkPage(page, 'recert-verify-new');
  await Promise.all([page.waitForURL(new RegExp(`serial=${serial}$`)), toOld.click()]);
  assert.match(await page.locator('h1').textContent(), /ASLI/, 'the old one keeps its validity');
  assert.equal(await page.locator('a.renewed-by').textContent(), renewed);
  assert.match(await page.locator('main').textContent(), /Renewed by certificate/);
  await checkPage(page, 'recert-verify-old');
  await partScreenshot(page, page.locator('main'), 'recert-verify-old-part-360', { width: 360 });

  await page.goto(`${d.url}/me`);
  assert.equal(await page.locator(`#recert-${serial}`).count(), 0, 'no reminder once renewed');
  assert.equal(await page.locator(`#cert-${serial} .recert-link.renewed a`).textContent(), renewed);
  assert.equal(await page.locator(`#cert-${renewed} .recert-link.recertifies a`).textContent(), serial);
  assertNoDialogs(p);
  await p.context.close();
});
