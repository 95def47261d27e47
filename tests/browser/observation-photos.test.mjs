// Photos on the observation sheet (FR.IA.01): the assessor's tablet takes a photo of the
// demonstration for a KUK while the test site has no connection (CDP offline); it waits on
// the device (IndexedDB) through a reload from the worker's copy, and once the connection is
// back it goes through the resumable upload, is listed with its hash on the sheet and in the
// sheet's JSON, served as stored, and its hash is in the audit entry of the photo and of the
// decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, tmpDir } from '../integration/lib/daemon.mjs';
import { png, sha256 } from '../integration/lib/evidence.mjs';
import { submittedAttempt } from '../integration/lib/reviews.mjs';
import {
  newPage, checkPage, assertNoDialogs, daemonAndBrowser, staffAccount, loginViaForm,
} from './lib/browser.mjs';

const EXAM = 'KRY-BTT-JR'; // the batik exam, whose observation unit is:
const UNIT = 'C.13BTK00.006.1';
const env = daemonAndBrowser();

test('a photo taken offline on the tablet waits on the device and is uploaded when back online', async () => {
  const { d } = env;
  const { id, cand } = await submittedAttempt(d, EXAM, 'Sekar Arum');
  const asesor = await staffAccount(env, 'assessor', 'Asesor Foto');
  const admin = await staffAccount(env, 'admin', 'Admin Foto');

  const p = await newPage(env.browser, { width: 800, height: 1280 }); // a tablet
  const { page, context } = p;
  await loginViaForm(page, d.url, asesor.email);
  await page.goto(`${d.url}/review/${id}/observations`);
  const box = page.locator(`section.obs-unit[data-unit="${UNIT}"] .obs-photos`).first();
  const kuk = await box.getAttribute('data-kuk');
  const input = box.locator('input[type=file]');
  assert.equal(await input.getAttribute('accept'), 'image/*');
  assert.equal(await input.getAttribute('capture'), 'environment');
  await box.locator('.photo-pick').waitFor(); // shown by the script
  for (let i = 0; !(await page.evaluate(() => caches.match(location.pathname).then((r) => !!r))); i++) {
    assert.ok(i < 100, 'the service worker keeps a copy of the sheet');
    await page.waitForTimeout(100);
  }
  // the sending script is kept for offline use too
  await page.waitForFunction(() => caches.keys().then((ks) => Promise.all(ks.map((k) => caches.open(k).then((c) => c.keys()))))
    .then((all) => all.flat().some((r) => /\/static\/upload\.js\?v=/.test(r.url))));

  // offline: the photo is taken and waits on the tablet
  const photo = png(700, 500, { noise: true }); // about 1 MB: several chunks
  const dir = tmpDir('ujikom-obs-photo-');
  const file = path.join(dir, 'mencanting.png');
  writeFileSync(file, photo);
  await context.setOffline(true);
  await input.setInputFiles(file);
  await box.locator('li[data-state="queued"]').waitFor();
  assert.match(await box.locator('li[data-state="queued"]').textContent(), /^mencanting\.png: menunggu di tablet ini/);
  const sheetUrl = `/api/reviews/${id}/observations`;
  const kukOf = (sheet) => sheet.json.units.find((u) => u.code === UNIT).elements.flatMap((e) => e.kuk).find((k) => k.id === kuk);
  assert.deepEqual(kukOf(await asesor.api.get(sheetUrl)).photos, [], 'nothing reached the server');

  // a reload while offline: the worker's copy, the photo still waiting on the device
  await page.reload();
  await page.locator('#observation-sheet[data-offline-copy="1"]').waitFor();
  const box2 = page.locator(`section.obs-unit[data-unit="${UNIT}"] .obs-photos`).first();
  await box2.locator('li[data-state="queued"]').waitFor();

  // back online: sent through the resumable upload, listed with its hash
  const puts = [];
  page.on('request', (req) => { if (req.method() === 'PUT' && /\/api\/uploads\//.test(req.url())) puts.push(req.url()); });
  await context.setOffline(false);
  await box2.locator('li[data-state="stored"]').waitFor({ timeout: 30_000 });
  assert.equal(await box2.locator('li[data-state="stored"] code.sha256').textContent(), sha256(photo));
  assert.ok(puts.length >= 4, `sent in chunks (${puts.length})`);
  assert.equal(await page.evaluate(() => new Promise((ok) => {
    const rq = indexedDB.open('ujikom-observe', 1);
    rq.onsuccess = () => { const g = rq.result.transaction('photos').objectStore('photos').count(); g.onsuccess = () => ok(g.result); };
  })), 0, 'nothing left waiting on the device');

  // on the server: in the sheet, served as stored, audited with its hash
  const photos = kukOf(await asesor.api.get(sheetUrl)).photos;
  assert.equal(photos.length, 1);
  assert.equal(photos[0].sha256, sha256(photo));
  assert.equal(photos[0].type, 'image/png');
  const got = await asesor.api.get(photos[0].url);
  assert.equal(got.status, 200);
  assert.equal(sha256(got.body), sha256(photo));
  assert.match(got.headers.get('content-security-policy'), /sandbox/);
  assert.equal((await new Client(d.url).get(photos[0].url)).status, 404, 'not for anonymous clients');
  const audit = await admin.api.get('/api/admin/audit?action=observation.photo');
  const entry = audit.json.items.find((e) => e.subject === `attempt:${id}`);
  assert.ok(entry, 'the photo is audited');
  assert.equal(entry.after.sha256, sha256(photo));
  assert.equal(entry.after.kuk, kuk);

  // a fresh page lists it from the server; the sheet stays accessible
  await page.goto(`${d.url}/review/${id}/observations`);
  const box3 = page.locator(`section.obs-unit[data-unit="${UNIT}"] .obs-photos`).first();
  assert.equal(await box3.locator('li code.sha256').textContent(), sha256(photo));
  await checkPage(page, 'observation-photos');

  // the decision's audit entry names the photo by its hash beside the item files
  const unit = page.locator(`section.obs-unit[data-unit="${UNIT}"]`);
  const forms = unit.locator('form.obs-kuk');
  for (let i = 0; i < await forms.count(); i++) {
    await forms.nth(i).locator('input[value="true"]').check();
    await forms.nth(i).locator('button[type=submit]').click();
    await forms.nth(i).locator('.kuk-state[data-state=saved]').waitFor();
  }
  const review = await asesor.api.get(`/api/reviews/${id}`);
  const items = {};
  for (const u of review.json.units) {
    for (const it of u.items) if (it.open) items[it.id] = { criteria: Object.fromEntries(it.rubric.map((c) => [c.id, 0])) };
  }
  const dec = await asesor.api.post(`/api/reviews/${id}/decision`, { items, overall: 'BK', feedback: 'Praktik rapi; ulangi bagian tertulis.' });
  assert.equal(dec.status, 200, dec.text);
  const decided = await admin.api.get('/api/admin/audit?action=review.decision');
  const de = decided.json.items.find((e) => e.subject === `attempt:${id}`);
  assert.ok(de, `the decision is audited: ${decided.text.slice(0, 300)}`);
  assert.deepEqual(de.after.evidence[`observation:${UNIT}/${kuk}`], [sha256(photo)]);
  // The photo is of the candidate at work: their copy of their data lists it, with the route
  // that serves it to them.
  const copy = await cand.get('/api/me/data');
  assert.equal(copy.status, 200, copy.text);
  const listed = copy.json.attempts.find((a) => a.id === id).observation_photos;
  assert.deepEqual(listed.map((x) => [x.unit, x.kuk, x.sha256, x.name, x.url]),
    [[UNIT, kuk, sha256(photo), 'mencanting.png', `/api/attempts/${id}/observation/${sha256(photo)}`]]);
  assert.equal((await cand.get(listed[0].url)).status, 200);
  assertNoDialogs(p);
  await context.close();
});
