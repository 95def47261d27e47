// A complaint whose retention period has ended (--complaint-retention-days), in Chromium: the
// complainant's status page on a 360 px phone and the staff page at 1280 px say when and why
// its personal data and texts were erased, show the record that is kept (reference,
// category, dates, outcome), and hold nothing the complainant wrote; in Indonesian and in
// English; axe, 360 px and 200 % text on each. The closing is moved back in the store while
// the daemon is stopped, and the sweep as it starts again erases the complaint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import { newPage, checkPage, assertAccessible, assertNoDialogs, launch, loginAs } from './lib/browser.mjs';
import {
  startDaemon, stopClean, adminClient, Client, uniqueEmail, dbExec, tmpDir, dropDatabase,
} from '../integration/lib/daemon.mjs';

const DAY_MS = 86_400_000;
const ARGS = ['--complaint-retention-days', '30'];
const NAME = 'Yohana Simanjuntak';
const STORY = 'Hasil uji saya tidak diumumkan selama tiga bulan tanpa kabar dari LSP.';
const dataDir = tmpDir('ujikom-retention-browser-');
let d;
let browser;

before(async () => {
  d = await startDaemon({ dataDir, args: ARGS });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (d && !d.exited()) await stopClean(d);
  rmSync(dataDir, { recursive: true, force: true });
  dropDatabase(dataDir);
});

test('an erased complaint: the notice, the record kept, none of the words', async () => {
  const lodged = await new Client(d.url).post('/api/complaints', {
    name: NAME, email: uniqueEmail('yohana'), category: 'service', about: 'Uji 2 Februari 2026', body: STORY,
  });
  assert.equal(lodged.status, 201, lodged.text);
  const { token } = lodged.json;
  const ref = lodged.json.complaint.reference;
  const id = Number(ref.slice(4));
  let admin = await adminClient(d);
  assert.equal((await admin.post(`/api/admin/complaints/${id}/take`, { not_involved: true })).status, 200);
  const closed = await admin.post(`/api/admin/complaints/${id}/close`, {
    outcome: 'upheld', text: 'Terbukti; hasil Ibu Yohana sudah diumumkan.', not_involved: true,
  });
  assert.equal(closed.status, 200, closed.text);

  await stopClean(d);
  const moved = dbExec(dataDir, `UPDATE complaints SET created_at = created_at - ${40 * DAY_MS}, ` +
    `taken_at = taken_at - ${40 * DAY_MS}, closed_at = closed_at - ${40 * DAY_MS} WHERE id = ${id}`);
  assert.equal(moved.status, 0, moved.stderr);
  d = await startDaemon({ dataDir, args: ARGS });
  admin = await adminClient(d);
  const t0 = Date.now();
  while ((await admin.get(`/api/admin/complaints/${id}`)).json.complaint.erased_at === null) {
    assert.ok(Date.now() - t0 < 30_000, 'erased by the sweep as the daemon started');
    await new Promise((res) => setTimeout(res, 100));
  }

  // The complainant, on their link, on a phone.
  const c = await newPage(browser, { width: 360, height: 800 });
  await c.page.goto(`${d.url}/pengaduan/${token}`);
  const notice = c.page.locator('#complaint-erased');
  assert.match(await notice.textContent(), /dihapus pada .* karena masa simpannya berakhir/);
  assert.equal((await c.page.textContent('#complaint-ref')).trim(), ref);
  assert.equal(await c.page.getAttribute('#complaint-outcome', 'data-outcome'), 'upheld');
  const text = await c.page.textContent('main');
  for (const gone of [NAME, 'Yohana', STORY, 'Uji 2 Februari']) {
    assert.ok(!text.includes(gone), `the page no longer holds "${gone}"`);
  }
  await checkPage(c.page, 'complaint-status-erased');
  await c.page.goto(`${d.url}/lang?to=en&back=${encodeURIComponent(`/pengaduan/${token}`)}`);
  await c.page.waitForURL(`${d.url}/pengaduan/${token}`);
  assert.match(await c.page.textContent('#complaint-erased'), /erased on .* because its retention period ended/);
  await assertAccessible(c.page, 'erased complaint status in English');
  assertNoDialogs(c);
  await c.context.close();

  // Staff, at 1280 px.
  const s = await newPage(browser, { width: 1280, height: 900 });
  await loginAs(s.page, d.url, admin.email);
  await s.page.goto(`${d.url}/admin/complaints/${id}`);
  assert.match(await s.page.textContent('#complaint-erased'), /masa simpannya berakhir/);
  assert.equal(await s.page.getAttribute('#complaint-status', 'data-status'), 'closed');
  assert.ok(!(await s.page.textContent('main')).includes('Yohana'), 'staff see no personal data either');
  await checkPage(s.page, 'complaint-admin-erased');
  assertNoDialogs(s);
  await s.context.close();
});
