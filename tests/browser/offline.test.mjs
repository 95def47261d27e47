// The exam page without a connection and after its session ended (issue 16, point 7): a
// reload while offline shows the exam page's shell from the service worker (static/sw.js)
// with the answers given so far, saved or waiting, and the waiting ones are sent once the
// connection returns; the offline banner stays in view; after the session expired and the
// candidate logged in again in another tab, the page takes the new session's CSRF token and
// sends the waiting answers without a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, dbExec } from '../integration/lib/daemon.mjs';
import { newPage, checkPage, assertNoDialogs, daemonAndBrowser, registerCandidate, startExamFromPreStart } from './lib/browser.mjs';

const EXAM = 'FSN-PBW-JR';
const env = daemonAndBrowser();

const startExam = (page) => startExamFromPreStart(page, env.d.url, EXAM);

// The single-choice and true/false items, whose first option answers them.
function choiceItems(page) {
  return page.locator('fieldset.item[data-type="single"], fieldset.item[data-type="truefalse"]');
}
async function answer(fs) {
  await fs.locator('input[type=radio]').first().check();
  return { id: (await fs.getAttribute('id')).slice(5), value: await fs.locator('input[type=radio]').first().getAttribute('value') };
}
const state = (fs) => fs.locator('.save-state').getAttribute('data-state');

async function serverAnswers(page, id) {
  const { d } = env;
  const r = await page.request.get(`${d.url}/api/attempts/${id}`, { headers: { Accept: 'application/json' } });
  assert.equal(r.status(), 200);
  return (await r.json()).answers;
}
const same = (saved, a) => String(saved) === a.value;

test('a reload while offline shows the exam shell with its answers; back online they are sent', async () => {
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page, context } = p;
  await registerCandidate(page, env.d.url, 'offline');
  const id = await startExam(page);
  // The worker keeps a copy of the page (asked for once: the first load came before it).
  for (let i = 0; !(await page.evaluate(() => caches.match(location.pathname).then((r) => !!r))); i++) {
    assert.ok(i < 100, 'the service worker keeps a copy of the exam page');
    await page.waitForTimeout(100);
  }
  const items = choiceItems(page);
  const a1 = await answer(items.nth(0));
  await items.nth(0).locator('.save-state[data-state=saved]').waitFor();

  await context.setOffline(true);
  const a2 = await answer(items.nth(1));
  await items.nth(1).locator('.save-state[data-state=unsent]').waitFor();
  const banner = page.locator('#offline-banner');
  await banner.waitFor({ state: 'visible' });
  // Sticky: still in view at the foot of the page.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const box = await banner.evaluate((el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, h: innerHeight }; });
  assert.ok(box.top >= 0 && box.bottom <= box.h, `the offline banner stays in view (${JSON.stringify(box)})`);

  // Reload offline: the worker's copy, not the browser's error page.
  await page.reload();
  await page.locator('.qnav').waitFor();
  assert.equal(await page.locator('#exam').getAttribute('data-offline-copy'), '1');
  await banner.waitFor({ state: 'visible' });
  assert.ok(await items.nth(0).locator('input[type=radio]').first().isChecked(), 'the saved answer is shown');
  assert.equal(await state(items.nth(0)), 'saved');
  assert.ok(await items.nth(1).locator('input[type=radio]').first().isChecked(), 'the waiting answer is shown');
  assert.equal(await state(items.nth(1)), 'unsent');
  assert.match(await page.locator('#timer').textContent(), /\d+:\d\d/, 'the countdown runs on the copy');
  await checkPage(page, 'exam-offline-shell');

  // Back online: the waiting answer is sent.
  await context.setOffline(false);
  await items.nth(1).locator('.save-state[data-state=saved]').waitFor({ timeout: 15_000 });
  await banner.waitFor({ state: 'hidden' });
  const saved = await serverAnswers(page, id);
  assert.ok(same(saved[a1.id], a1), `answer 1 on the server: ${JSON.stringify(saved)}`);
  assert.ok(same(saved[a2.id], a2), `answer 2 on the server: ${JSON.stringify(saved)}`);
  // The worker keeps the page's versioned assets too, one version each.
  await page.reload();
  await page.locator('.qnav').waitFor();
  const kept = await page.evaluate(() => caches.keys()
    .then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))
    .then((lists) => lists.flat().map((k) => new URL(k.url)).map((u) => u.pathname + u.search)));
  for (const asset of ['/static/app.css?v=', '/static/exam.js?v=']) {
    assert.equal(kept.filter((k) => k.startsWith(asset)).length, 1, `${asset} kept once: ${JSON.stringify(kept)}`);
  }
  assert.ok(kept.includes(`/attempts/${id}`), 'the page is kept');

  // Logging out drops the kept page: on a shared device the next person offline finds
  // nothing of this candidate's answers there. The versioned assets stay.
  await page.locator('header.site form[action="/logout"] button').click();
  await Promise.all([page.waitForURL((u) => u.pathname === '/signed-out'),
    page.locator('dialog[open]').getByRole('button', { name: 'Keluar' }).click()]);
  await page.waitForSelector('html[data-copies-dropped="1"]');
  assert.match(await page.locator('h1').textContent(), /Sudah keluar/);
  await checkPage(page, 'signed-out');
  const left = await page.evaluate(() => caches.keys()
    .then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))
    .then((lists) => lists.flat().map((k) => new URL(k.url).pathname)));
  assert.ok(!left.some((k) => k.startsWith('/attempts/')), `no exam page kept: ${JSON.stringify(left)}`);
  assert.ok(left.includes('/static/exam.js'), `the assets stay: ${JSON.stringify(left)}`);
  await context.setOffline(true);
  await page.goto(`${env.d.url}/attempts/${id}`).catch(() => { });
  assert.equal(await page.locator('#exam').count(), 0, 'offline, the exam page is not shown after logging out');
  await context.setOffline(false);
  assertNoDialogs(p);
  await context.close();
});

test('after the session expired, logging in again in another tab sends the waiting answers', async () => {
  const { d } = env;
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page, context } = p;
  const email = await registerCandidate(page, d.url, 'relogin');
  const id = await startExam(page);
  const items = choiceItems(page);
  const a1 = await answer(items.nth(0));
  await items.nth(0).locator('.save-state[data-state=saved]').waitFor();

  // The session expires.
  const r = dbExec(d.dataDir, 'UPDATE sessions SET expires_at = 0, absolute_expires_at = 0');
  assert.equal(r.status, 0, r.stderr);
  const a2 = await answer(items.nth(1));
  await items.nth(1).locator('.save-state[data-state=unsent]').waitFor();
  const err = page.locator('#error-banner');
  await err.waitFor({ state: 'visible' });
  assert.match(await err.textContent(), /Sesi Anda berakhir/);
  await checkPage(page, 'exam-session-ended');

  // Log in again in another tab.
  const other = await context.newPage();
  await other.goto(`${d.url}/login`);
  await other.fill('#email', email);
  await other.fill('#password', PASSWORD);
  await Promise.all([other.waitForURL(/\/me$/), other.click('form[action="/login"] button[type=submit]')]);
  await other.close();

  // Back on the exam page: no reload, the answer goes with the new session's token.
  await page.bringToFront();
  await items.nth(1).locator('.save-state[data-state=saved]').waitFor({ timeout: 15_000 });
  await err.waitFor({ state: 'hidden' });
  const saved = await serverAnswers(page, id);
  assert.ok(same(saved[a1.id], a1), `answer 1 on the server: ${JSON.stringify(saved)}`);
  assert.ok(same(saved[a2.id], a2), `answer 2 on the server: ${JSON.stringify(saved)}`);
  // The page's forms carry the new token too (the no-script save and the log-out).
  const token = await page.evaluate(() => [...document.querySelectorAll('input[name=csrf]')].map((e) => e.value));
  const me = await page.request.get(`${d.url}/api/auth/me`);
  assert.equal(me.status(), 200);
  const fresh = (await me.json()).csrf;
  assert.deepEqual([...new Set(token)], [fresh], 'the forms carry the new token');
  assertNoDialogs(p);
  await context.close();
});
