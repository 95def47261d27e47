// The staff second factor in the browser: an admin finds the page in the navigation, enrols
// by the QR code's secret (typed, as a person would without a camera), sees the recovery
// codes once, and later logs in with the password and then a code from the app. Every page is
// checked with axe, photographed at 360 px and 1280 px, and must not scroll sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, cli, uniqueEmail, PASSWORD } from '../integration/lib/daemon.mjs';
import { totp } from '../integration/lib/totp.mjs';
import { launch, newPage, checkPage, assertNoDialogs } from './lib/browser.mjs';

test('an admin enrols a second factor in the browser and logs in with a code', async (t) => {
  const d = await startDaemon();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await d.stop();
    d.cleanup();
  });
  const email = uniqueEmail('admin2fa');
  const made = cli(['admin', 'create', '--email', email, '--name', 'Admin Dua Faktor', '--role', 'admin'], {
    input: `${PASSWORD}\n`, dataDir: d.dataDir,
  });
  assert.equal(made.status, 0, made.stderr);
  const p = await newPage(browser);
  const { page } = p;
  await page.goto(`${d.url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/admin$/), page.click('form[action="/login"] button[type=submit]')]);

  await Promise.all([page.waitForURL(/\/account\/2fa$/), page.click('nav a[href="/account/2fa"]')]);
  await checkPage(page, 'second-factor-start');
  await Promise.all([page.waitForURL(/\/account\/2fa\/enrol$/), page.click('form[action="/account/2fa/enrol"] button')]);
  assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is on the page');
  await checkPage(page, 'second-factor-enrol');
  const secret = (await page.textContent('#secret')).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await page.fill('#code', totp(secret));
  await Promise.all([page.waitForURL(/\/account\/2fa\/confirm$/), page.click('form[action="/account/2fa/confirm"] button')]);
  const codes = await page.locator('.recovery-codes code').allTextContents();
  assert.equal(codes.length, 10);
  await checkPage(page, 'second-factor-codes');

  await Promise.all([page.waitForURL(/\/signed-out$/), page.click('form[action="/logout"] button')]);
  await page.goto(`${d.url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/login$/), page.click('form[action="/login"] button[type=submit]')]);
  assert.equal(await page.locator('form[action="/login/totp"]').count(), 1, 'the code form follows the password');
  await checkPage(page, 'second-factor-login');
  await page.fill('#code', totp(secret, 1));
  await Promise.all([page.waitForURL(/\/admin$/), page.click('form[action="/login/totp"] button[type=submit]')]);
  // Their own account's settings are reached from the second-factor page.
  await Promise.all([page.waitForURL(/\/account\/2fa$/), page.click('nav a[href="/account/2fa"]')]);
  assert.equal(await page.locator('.account-links a[href="/account/password"]').count(), 1);
  await Promise.all([page.waitForURL(/\/account\/email$/), page.getByRole('link', { name: 'Ganti alamat email' }).click()]);
  assert.ok((await page.textContent('#email-current')).includes(email), 'the staff member\'s own address');
  assert.equal(await page.locator('#email-ask-admin').count(), 1, 'no mail here: another administrator changes it');
  assertNoDialogs(p);
  await p.context.close();
});
