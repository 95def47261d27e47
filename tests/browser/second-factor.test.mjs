// The staff second factor in the browser: an admin finds the page in the navigation, enrols
// by the QR code's secret (typed, as a person would without a camera), sees the recovery
// codes once, and later logs in with the password and then a code from the app. Every page is
// checked with axe, photographed at 360 px and 1280 px, and must not scroll sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startDaemon, cli, uniqueEmail, PASSWORD } from '../integration/lib/daemon.mjs';
import { launch, newPage, checkPage, assertNoDialogs } from './lib/browser.mjs';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// The RFC 6238 code (HMAC-SHA1, 30 s, 6 digits) of the step `offset` steps from now.
function totp(secret, offset = 0) {
  let bits = 0;
  let value = 0;
  const key = [];
  for (const ch of secret) {
    value = (value << 5) | B32.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      key.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const mac = createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

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

test('an admin enrols a second factor in the browser and logs in with a code', async () => {
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

  await Promise.all([page.waitForURL(/\/$/), page.click('form[action="/logout"] button')]);
  await page.goto(`${d.url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/login$/), page.click('form[action="/login"] button[type=submit]')]);
  assert.equal(await page.locator('form[action="/login/totp"]').count(), 1, 'the code form follows the password');
  await checkPage(page, 'second-factor-login');
  await page.fill('#code', totp(secret, 1));
  await Promise.all([page.waitForURL(/\/admin$/), page.click('form[action="/login/totp"] button[type=submit]')]);
  assertNoDialogs(p);
  await p.context.close();
});
