// The exam page and the server's clock: the countdown follows the server when the deadline
// moves (extra time), and after the deadline a save is refused (409) and the page says so
// plainly instead of pretending the answer was kept. The deadline is moved in the test's own
// database beside the daemon (the sqlite3 shell in WAL mode, or psql on PostgreSQL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, uniqueEmail, PASSWORD, setAttemptDeadline } from '../integration/lib/daemon.mjs';
import { launch, newPage, assertNoDialogs } from './lib/browser.mjs';

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

function setDeadline(attemptId, ms) {
  setAttemptDeadline(d.dataDir, attemptId, ms);
}

test('the countdown follows the server, and a save after the deadline is refused plainly', async () => {
  const p = await newPage(browser);
  const { page } = p;
  await page.goto(`${d.url}/register`);
  await page.fill('#name', 'Dewi Anggraini');
  await page.fill('#email', uniqueEmail('deadline'));
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/register"] button[type=submit]')]);
  await page.goto(`${d.url}/exams/KLN-JMK-JR/start`); // the pre-start page
  await Promise.all([page.waitForURL(/\/attempts\/\d+$/), page.click('form[action="/exams/KLN-JMK-JR/start"] button')]);
  const id = await page.locator('#exam').getAttribute('data-attempt');
  await page.locator('#timer').filter({ hasText: /:/ }).waitFor();

  // Extra time or a shortened deadline on the server: coming back to the tab re-syncs.
  setDeadline(id, Date.now() + 10 * 60 * 1000);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await page.waitForFunction(() => /\b(10:00|9:5\d)$/.test(document.getElementById('timer').textContent), null, { timeout: 10_000 });

  // Past the deadline and its grace: the next save is refused and the page says so.
  setDeadline(id, Date.now() - 10 * 60 * 1000);
  const fs = page.locator('fieldset.item[data-type=single], fieldset.item[data-type=truefalse]').first();
  await fs.locator('input[type=radio]').first().check();
  await page.locator('#error-banner').waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await page.textContent('#error-banner'), /batas waktu sudah lewat|Waktu ujian sudah habis/);
  assert.equal(await fs.locator('.save-state').getAttribute('data-state'), 'unsent');
  assert.ok(await fs.locator('input[type=radio]').first().isDisabled(), 'inputs are disabled after the deadline');
  // The server kept nothing: the attempt is closed at its deadline.
  const r = await page.request.get(`${d.url}/api/attempts/${id}`);
  const j = await r.json();
  assert.equal(j.status, 'closed');
  assertNoDialogs(p);
  await p.context.close();
});
