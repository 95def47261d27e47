// Account recovery in Chromium: an administrator presses the reset-link button on a
// candidate's account page and gets the link; the candidate opens it in their own browser, sets a
// new password on the form (which posts the token back, under the page's referrer policy)
// and logs in with it. Every page is checked with axe and photographed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, cli, uniqueEmail, PASSWORD } from '../integration/lib/daemon.mjs';
import { launch, newPage, assertNoDialogs, checkPage } from './lib/browser.mjs';

let d;
let browser;
before(async () => {
  d = await startDaemon({ args: ['--reset-ttl', '600'] });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (d) { await d.stop(); d.cleanup(); }
});

test('an admin hands over a reset link; the candidate sets a new password with it', async () => {
  const adminEmail = uniqueEmail('admin');
  const mk = cli(['admin', 'create', '--email', adminEmail, '--name', 'Admin Pemulihan'], { input: `${PASSWORD}\n`, dataDir: d.dataDir });
  assert.equal(mk.status, 0, mk.stderr);
  const candEmail = uniqueEmail('lupa');
  const reg = await fetch(`${d.url}/api/auth/register`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Nyoman Lupa', email: candEmail, password: PASSWORD }),
  });
  assert.equal(reg.status, 201);
  const candId = (await reg.json()).user.id;

  const a = await newPage(browser);
  await a.page.goto(`${d.url}/login`);
  await a.page.fill('#email', adminEmail);
  await a.page.fill('#password', PASSWORD);
  await Promise.all([a.page.waitForURL(/\/admin$/), a.page.click('form[action="/login"] button[type=submit]')]);
  await a.page.goto(`${d.url}/admin/users/${candId}`);
  await Promise.all([a.page.waitForURL(/\/reset-link$/),
    a.page.click(`form[action="/admin/users/${candId}/reset-link"] button[type=submit]`)]);
  const url = await a.page.inputValue('#reset-url');
  assert.match(url, /\/reset-sandi\?t=[A-Za-z0-9_-]{43}$/);
  await checkPage(a.page, 'reset-admin-link');
  assertNoDialogs(a);
  await a.context.close();

  // The candidate's own browser; the link's path on this daemon (the public URL is the default).
  const c = await newPage(browser);
  const linkPath = new URL(url).pathname + new URL(url).search;
  const resp = await c.page.goto(`${d.url}${linkPath}`);
  assert.equal(resp.status(), 200);
  assert.equal(resp.headers()['referrer-policy'], 'no-referrer');
  await checkPage(c.page, 'reset-form');
  await c.page.fill('#password', 'Ombak-Kuta-Senja-42');
  await Promise.all([c.page.waitForLoadState('load'), c.page.click('form[action="/reset-sandi"] button[type=submit]')]);
  assert.match(await c.page.textContent('h1'), /Kata sandi diganti/);
  await checkPage(c.page, 'reset-done');

  // The link is used up; the new password logs in.
  const again = await c.page.goto(`${d.url}${linkPath}`);
  assert.equal(again.status(), 400);
  assert.match(await c.page.textContent('h1'), /Tautan tidak berlaku/);
  await c.page.goto(`${d.url}/login`);
  await c.page.fill('#email', candEmail);
  await c.page.fill('#password', 'Ombak-Kuta-Senja-42');
  await Promise.all([c.page.waitForURL(/\/me$/), c.page.click('form[action="/login"] button[type=submit]')]);
  assertNoDialogs(c);
  await c.context.close();
});
