// Complaints (pengaduan) in Chromium, as people meet them: a visitor who is not signed in
// finds the form from the footer on a 360 px phone, is told what a refused field needs
// without losing what they typed, and leaves with a reference and a private status link,
// where they add a reply; an administrator finds the complaint in the queue marked as
// waiting for staff, reads the reply, takes it, writes a progress report and an
// internal note, and closes it through the confirmation dialog; the complainant's status page
// then shows the report and the outcome, not the internal note, in Indonesian and in English.
// axe, 360 px and 200 % text on every page state reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  newPage, checkPage, assertAccessible, assertNoDialogs, daemonAndBrowser, staffAccount, loginAs,
} from './lib/browser.mjs';

const env = daemonAndBrowser();

const STORY = 'Asesor datang terlambat satu jam, lalu ujian praktik dipersingkat tanpa penjelasan.';
const REPORT = 'Kami sudah meminta keterangan dari asesor dan TUK.';
const INTERNAL = 'Catatan internal: jadwal asesor bentrok dengan acara lain.';
const OUTCOME = 'Pengaduan diterima. Anda dapat mengikuti uji ulang tanpa biaya.';
const REPLY = 'Tambahan: asesor juga tidak membawa instrumen asesmen.';

let statusUrl;
let ref;

test('a visitor lodges a complaint from the footer on a phone', async () => {
  const { d } = env;
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page } = p;
  await page.goto(`${d.url}/`);
  await Promise.all([page.waitForURL(/\/pengaduan$/), page.click('#footer-complaint')]);
  await checkPage(page, 'complaint-form');

  await page.fill('#c-name', 'Dewi Anggraini');
  await page.fill('#c-email', 'dewi@contoh.test');
  await page.selectOption('#c-category', 'assessor');
  await page.fill('#c-about', 'Uji kompetensi 12 Mei 2026, TUK Bandung');
  await page.fill('#c-body', 'Terlambat.');
  await Promise.all([page.waitForLoadState('load'), page.click('#complaint-submit')]);
  const alert = page.locator('#form-error[role=alert]');
  await alert.waitFor();
  assert.equal(await alert.locator('a[href="#c-body"]').count(), 1, 'the alert links to the refused field');
  assert.equal(await page.getAttribute('#c-body', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#c-name'), 'Dewi Anggraini', 'what was typed is kept');
  assert.equal(await page.inputValue('#c-about'), 'Uji kompetensi 12 Mei 2026, TUK Bandung');
  assert.equal(await page.inputValue('#c-category'), 'assessor');
  await checkPage(page, 'complaint-form-refused');

  await page.fill('#c-body', STORY);
  await Promise.all([page.waitForLoadState('load'), page.click('#complaint-submit')]);
  await page.locator('#complaint-lodged').waitFor();
  ref = (await page.textContent('#complaint-ref')).trim();
  assert.match(ref, /^ADU-\d{6,}$/);
  statusUrl = await page.inputValue('#complaint-status-url');
  assert.match(statusUrl, new RegExp(`^${d.url}/pengaduan/[A-Za-z0-9_-]{43}$`));
  assert.equal(await page.getAttribute('#complaint-status-link', 'href'), statusUrl);
  await checkPage(page, 'complaint-lodged');

  await page.goto(statusUrl);
  assert.equal(await page.getAttribute('#complaint-status', 'data-status'), 'received');
  assert.equal((await page.textContent('#complaint-body')).trim(), STORY);
  assert.equal(await page.locator('#complaint-no-progress').count(), 1);
  await checkPage(page, 'complaint-status-received');

  // The complainant adds what they forgot; a text the rule refuses comes back as typed.
  await page.fill('#cr-text', 'Jadwal‮ uji');
  await Promise.all([page.waitForLoadState('load'), page.click('#complaint-reply-button')]);
  await page.locator('#form-error[role=alert]').waitFor();
  assert.equal(await page.locator('#form-error a[href="#cr-text"]').count(), 1, 'the alert links to the field');
  assert.equal(await page.getAttribute('#cr-text', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#cr-text'), 'Jadwal‮ uji', 'what was typed is kept');
  await checkPage(page, 'complaint-status-reply-refused');
  await page.fill('#cr-text', REPLY);
  await Promise.all([page.waitForURL(/notice=complaint_replied/), page.click('#complaint-reply-button')]);
  await page.locator('#notice').waitFor();
  const mine = page.locator('#complaint-notes li[data-from=complainant]');
  assert.equal(await mine.count(), 1);
  assert.ok((await mine.textContent()).includes(REPLY), 'the reply is listed');
  assert.match(await mine.textContent(), /Anda/, 'marked as the complainant\'s own');
  assert.equal(await page.inputValue('#cr-text'), '', 'the form is empty again');
  await checkPage(page, 'complaint-status-replied');
  assertNoDialogs(p);
  await p.context.close();
});

test('an administrator takes, reports, notes and closes it; the complainant reads the outcome', async () => {
  const { d } = env;
  assert.ok(statusUrl, 'the first test lodged the complaint');
  const admin = await staffAccount(env, 'admin', 'Admin Pengaduan');
  const p = await newPage(env.browser, { width: 1280, height: 900 });
  const { page } = p;
  await loginAs(page, d.url, admin.email);
  await page.goto(`${d.url}/admin`);
  const link = page.locator('#admin-complaints');
  assert.ok(Number(await link.getAttribute('data-received')) >= 1, 'the admin page says complaints wait');
  await Promise.all([page.waitForURL(/\/admin\/complaints$/), link.click()]);
  const id = Number(ref.slice(4));
  const row = page.locator(`#complaint-row-${id}`);
  assert.equal(await row.getAttribute('data-status'), 'received');
  // The complainant's reply is the last word: the queue says it waits for staff.
  assert.equal(await row.getAttribute('data-awaiting'), 'true');
  assert.match(await row.locator('.complaint-awaiting').textContent(), /Balasan baru dari pengadu/);
  await checkPage(page, 'complaint-admin-queue');

  await Promise.all([page.waitForURL(new RegExp(`/admin/complaints/${id}$`)), row.locator('a').first().click()]);
  assert.match(await page.textContent('main'), /dewi@contoh\.test/, 'staff see the contact');
  const reply = page.locator('#complaint-notes li[data-from=complainant]');
  assert.ok((await reply.textContent()).includes(REPLY), 'staff read the reply');
  assert.match(await reply.textContent(), /Dari pengadu/);
  await checkPage(page, 'complaint-admin-received');
  // Taking asks the administrator to declare they took no part in what it is about.
  assert.equal(await page.getAttribute('#ct-not-involved', 'required'), '');
  await page.check('#ct-not-involved');
  await Promise.all([page.waitForURL(/notice=complaint_taken/), page.click('#complaint-take-button')]);
  assert.equal(await page.getAttribute('#complaint-status', 'data-status'), 'in_review');
  await page.locator('#notice').waitFor();

  await page.fill('#cn-text', REPORT);
  await page.check('#cn-shown');
  await Promise.all([page.waitForURL(/notice=complaint_noted/), page.click('#complaint-note-button')]);
  const notes = page.locator('#complaint-notes li');
  await notes.nth(1).waitFor();
  await page.fill('#cn-text', INTERNAL);
  assert.equal(await page.isChecked('#cn-shown'), false, 'a note is internal unless ticked');
  // The URL already says complaint_noted: wait for the third note (after the reply and the
  // report) on the page after it.
  await page.click('#complaint-note-button');
  await notes.nth(2).waitFor();
  assert.equal(await notes.count(), 3);
  assert.equal(await notes.nth(0).getAttribute('data-from'), 'complainant');
  assert.equal(await notes.nth(1).getAttribute('data-shown'), 'true');
  assert.equal(await notes.nth(1).getAttribute('data-from'), 'staff');
  assert.equal(await notes.nth(2).getAttribute('data-shown'), 'false');
  await checkPage(page, 'complaint-admin-in-review');

  // Closing asks first; cancelling changes nothing.
  await page.locator('#complaint-close a[data-confirm]').click();
  const dialog = page.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  await assertAccessible(page, 'close complaint dialog');
  await dialog.locator('[data-confirm-cancel]').click();
  assert.equal(await page.locator('dialog[open]').count(), 0, 'cancel closes the dialog');
  assert.equal(await page.getAttribute('#complaint-status', 'data-status'), 'in_review');
  await page.locator('#complaint-close a[data-confirm]').click();
  await dialog.waitFor();
  await dialog.locator('input[name=outcome][value=upheld]').check();
  await dialog.locator('textarea[name=text]').fill(OUTCOME);
  await dialog.locator('input[name=not_involved]').check();
  await Promise.all([page.waitForURL(/notice=complaint_closed/), dialog.locator('button[type=submit]').click()]);
  assert.equal(await page.getAttribute('#complaint-status', 'data-status'), 'closed');
  assert.equal(await page.locator('#complaint-take, #complaint-note, #complaint-close').count(), 0, 'nothing left to do');
  await checkPage(page, 'complaint-admin-closed');
  assertNoDialogs(p);
  await p.context.close();

  // The complainant, not signed in, on their link: the report and the outcome, no internal note.
  const c = await newPage(env.browser, { width: 360, height: 800 });
  await c.page.goto(statusUrl);
  assert.equal(await c.page.getAttribute('#complaint-status', 'data-status'), 'closed');
  assert.equal(await c.page.getAttribute('#complaint-outcome', 'data-outcome'), 'upheld');
  const text = await c.page.textContent('main');
  assert.ok(text.includes(REPORT), 'the progress report is shown');
  assert.ok(text.includes(REPLY), 'and the complainant\'s own reply');
  assert.equal(await c.page.locator('#complaint-reply').count(), 0, 'no reply to a closed complaint');
  assert.ok(text.includes(OUTCOME), 'the outcome text is shown');
  assert.ok(!text.includes('Catatan internal'), 'the internal note is not');
  assert.ok(!text.includes('dewi@contoh.test'), 'the page does not repeat the address');
  await checkPage(c.page, 'complaint-status-closed');
  await c.page.goto(`${d.url}/lang?to=en&back=${encodeURIComponent(new URL(statusUrl).pathname)}`);
  await c.page.waitForURL(statusUrl);
  const en = await c.page.textContent('main');
  assert.match(en, /upheld/i, 'the outcome in English');
  assert.ok(en.includes(OUTCOME), 'the LSP\'s words stay as written');
  assert.match(await c.page.textContent('#complaint-notes li[data-from=complainant]'), /You/);
  await assertAccessible(c.page, 'complaint status in English');
  assertNoDialogs(c);
  await c.context.close();
});
