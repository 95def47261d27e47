// One message catalogue in the browser (issue 16, point 11): a refusal shown by a staff form
// reads in the page's language — "Tidak berhasil: Kata sandi terlalu pendek…", not
// "Tidak berhasil: password too short…" — even when the browser itself prefers English
// (the pages are Indonesian until the person switches), and in English after the switch;
// the item analysis names item types in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, uniqueEmail, PASSWORD, SOURCE_DIR } from '../integration/lib/daemon.mjs';
import { newPage, checkPage, assertNoDialogs, daemonAndBrowser } from './lib/browser.mjs';

const ID = JSON.parse(readFileSync(path.join(SOURCE_DIR, 'service/web/i18n/id.json'), 'utf8'));
const EN = JSON.parse(readFileSync(path.join(SOURCE_DIR, 'service/web/i18n/en.json'), 'utf8'));
const env = daemonAndBrowser();

test('a staff form shows the refusal in the page\'s language, whatever the browser prefers', async () => {
  const { d } = env;
  const email = uniqueEmail('admin');
  const r = cli(['admin', 'create', '--email', email, '--name', 'Admin Uji', '--role', 'admin'], {
    input: `${PASSWORD}\n`, dataDir: d.dataDir,
  });
  assert.equal(r.status, 0, r.stderr);
  const p = await newPage(env.browser, { locale: 'en-US' }); // Accept-Language: en-US
  const { page } = p;
  await page.goto(`${d.url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);

  const tryWeak = async () => {
    await page.goto(`${d.url}/admin`);
    const form = page.locator('form[action="/admin/users"]');
    await form.locator('#f-name-new').fill('Asesor Baru');
    await form.locator('#f-email-new').fill(uniqueEmail('new'));
    await form.locator('#f-password-new').fill('pendek');
    await form.locator('button[type=submit]').click();
    const alert = form.locator('.form-error');
    await alert.waitFor({ state: 'visible' });
    return alert.textContent();
  };
  const id = await tryWeak();
  assert.equal(await page.locator('html').getAttribute('lang'), 'id');
  assert.ok(id.includes(ID['page.action_failed']), id);
  assert.ok(id.includes(ID['reason.weak_password.too_short']), `Indonesian reason: ${id}`);
  assert.doesNotMatch(id, /password too short/i);
  await checkPage(page, 'admin-refusal-id');

  // The item analysis names item types in words, not codes.
  await page.goto(`${d.url}/admin/analysis/FSN-PBW-JR`);
  const hints = await page.locator('table tbody tr .hint').allTextContents();
  assert.ok(hints.length > 0);
  const words = Object.entries(ID).filter(([k]) => k.startsWith('exam.type_')).map(([, v]) => v);
  for (const t of hints) {
    const type = t.split(' · ').pop();
    assert.ok(words.includes(type), `item type "${type}" is a word of the catalogue`);
  }

  // After switching to English the same refusal reads in English.
  await page.goto(`${d.url}/lang?to=en&back=/admin`);
  const en = await tryWeak();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.ok(en.includes(EN['page.action_failed']), en);
  assert.match(en, /password too short/);
  assertNoDialogs(p);
  await p.context.close();
});
