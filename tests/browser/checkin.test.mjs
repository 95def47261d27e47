// Check-in by one-time code in Chromium (issue 21): the administrator makes the codes on the
// schedule's page and gets the printable attendance list (screenshot at 1280 px, print
// styles on A4); a candidate on a 360 px phone follows "Punya kode masuk dari TUK?" from the
// log-in page, types the code in lower case with spaces, lands on the exam's pre-start page
// (no session code asked) and starts. A wrong code shows the form again with the reason.
// axe on every page, in Indonesian and English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { adminClient, candidateClient } from '../integration/lib/daemon.mjs';
import { REVIEW_EXAM_ID, makeExamsDir } from '../integration/lib/reviews.mjs';
import { windowAround, createSchedule } from '../integration/lib/schedules.mjs';
import {
  newPage, checkPage, assertAccessible, assertNoDialogs, daemonAndBrowser, partScreenshot,
  loginAs, SCREENSHOTS,
} from './lib/browser.mjs';

const env = daemonAndBrowser({ examsDir: makeExamsDir() });

test('codes on the attendance list; a phone checks in with one and starts the exam', async () => {
  const { d } = env;
  const admin = await adminClient(d);
  const cands = [await candidateClient(d, 'Ni Luh Sari'), await candidateClient(d, 'Yohanes Bere')];
  const s = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-30, 90), { session_code: 'TUK2026' });
  const csv = `nama,email\n${cands.map((c) => `${c.user.name},${c.email}`).join('\n')}\n`;
  const imp = await admin.req('POST', `/api/schedules/${s.id}/import?commit=1`, csv, {
    headers: { 'Content-Type': 'text/csv' }, raw: true,
  });
  assert.equal(imp.status, 201, imp.text);

  // The administrator: the button on the schedule's page answers the list with the codes.
  const a = await newPage(env.browser, { width: 1280, height: 900 });
  await loginAs(a.page, d.url, admin.email);
  await a.page.goto(`${d.url}/admin/schedules/${s.id}`);
  await Promise.all([a.page.waitForURL(new RegExp(`/admin/schedules/${s.id}/checkin-codes$`)),
    a.page.click(`form[action="/admin/schedules/${s.id}/checkin-codes"] button[type=submit]`)]);
  const rows = a.page.locator('.attendance tbody tr');
  assert.equal(await rows.count(), 2);
  const codes = new Map();
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allTextContents();
    codes.set(cells[2], cells[3]);
  }
  const code = codes.get(cands[0].email);
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.match(await a.page.locator('main').textContent(), /Tanda tangan/);
  await assertAccessible(a.page, 'checkin-attendance-codes');
  await partScreenshot(a.page, a.page.locator('main'), 'checkin-attendance-1280', { width: 1280 });
  // Printed on A4: header, buttons and forms are left out; the list and its codes stay.
  await a.page.emulateMedia({ media: 'print' });
  assert.equal(await a.page.locator('header.site').isVisible(), false);
  assert.equal(await a.page.locator('form').first().isVisible(), false);
  assert.ok(await a.page.locator('.attendance td.code').first().isVisible());
  mkdirSync(SCREENSHOTS, { recursive: true });
  await a.page.pdf({ path: path.join(SCREENSHOTS, 'checkin-attendance.pdf'), format: 'A4' });
  await a.page.emulateMedia({ media: 'screen' });
  // Asked for again the list shows no code; in English too.
  await a.page.goto(`${d.url}/admin/schedules/${s.id}/attendance`);
  assert.ok(!(await a.page.content()).includes(code), 'no code on the list afterwards');
  await checkPage(a.page, 'checkin-attendance-list');
  // One candidate's new code, from their row (a lost paper): the page shows that one only.
  await Promise.all([a.page.waitForURL(new RegExp(`/admin/schedules/${s.id}/checkin-codes$`)),
    a.page.click(`button[aria-label$="${cands[1].user.name}"]`)]);
  assert.equal(await a.page.locator('.attendance td.code').count(), 1);
  assert.notEqual(await a.page.locator('.attendance td.code').textContent(), codes.get(cands[1].email));
  await a.page.goto(`${d.url}/admin/schedules/${s.id}/attendance`);
  await a.page.goto(`${d.url}/lang?to=en&back=/admin/schedules/${s.id}/attendance`);
  assert.match(await a.page.locator('main').textContent(), /Signature/);
  await assertAccessible(a.page, 'checkin-attendance-list-en');
  assertNoDialogs(a);
  await a.context.close();

  // The candidate's phone: from the log-in page to /masuk.
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page } = p;
  await page.goto(`${d.url}/login`);
  await Promise.all([page.waitForURL(/\/masuk$/), page.click('a[href="/masuk"]')]);
  await checkPage(page, 'checkin-form');
  // A wrong code: the form again, with the reason and the code kept.
  await page.fill('#code', 'abcd efgh jkmn');
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/masuk"] button[type=submit]')]);
  assert.match(await page.locator('#form-error').textContent(), /tidak berlaku/);
  assert.equal(await page.inputValue('#code'), 'abcd efgh jkmn');
  await assertAccessible(page, 'checkin-form-refused');
  // The right one, typed in lower case with spaces.
  await page.fill('#code', code.toLowerCase().replace(/-/g, ' '));
  await Promise.all([page.waitForURL(new RegExp(`/exams/${REVIEW_EXAM_ID}/start$`)),
    page.click('form[action="/masuk"] button[type=submit]')]);
  assert.equal(await page.locator('#session_code').count(), 0, 'the code stands for the session code');
  await checkPage(page, 'checkin-prestart');
  await Promise.all([page.waitForURL(/\/attempts\/\d+$/),
    page.click(`form[action="/exams/${REVIEW_EXAM_ID}/start"] button[type=submit]`)]);
  // Anything else asks for the password.
  const me = await page.goto(`${d.url}/me`);
  assert.equal(me.status(), 403);
  assert.match(await page.locator('main').textContent(), /kata sandi/);
  assertNoDialogs(p);
  await p.context.close();

  // English: the check-in page and its refusal.
  const e = await newPage(env.browser, { width: 360, height: 800, locale: 'en-US' });
  await e.page.goto(`${d.url}/lang?to=en&back=/masuk`);
  assert.match(await e.page.locator('h1').textContent(), /Check in/);
  await checkPage(e.page, 'checkin-form-en');
  await e.page.fill('#code', 'zzzz-zzzz-zzzz');
  await Promise.all([e.page.waitForLoadState('load'), e.page.click('form[action="/masuk"] button[type=submit]')]);
  assert.match(await e.page.locator('#form-error').textContent(), /not valid/);
  await assertAccessible(e.page, 'checkin-form-refused-en');
  assertNoDialogs(e);
  await e.context.close();
});
