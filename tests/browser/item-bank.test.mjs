// The item bank page in Chromium: the admin reaches /admin/bank-soal from the admin page,
// uploads the Moodle XML sample and sees the report of every question (imported, or not
// mapped with the line and reason) and a download of the YAML fragment; a file whose texts
// carry markup and script shows them as text (no dialog, no script); a file with a DOCTYPE
// shows the refusal. Every state is checked with axe; the page is photographed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  startDaemon, adminClient, uniqueEmail, SOURCE_DIR,
} from '../integration/lib/daemon.mjs';
import {
  launch, newPage, checkPage, assertAccessible, assertNoDialogs, loginAs,
} from './lib/browser.mjs';

let d;
let browser;
let tmp;
const email = uniqueEmail('admin');

before(async () => {
  d = await startDaemon();
  await adminClient(d, { email });
  browser = await launch();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ujikom-ib-'));
});

after(async () => {
  if (browser) await browser.close();
  if (d) {
    await d.stop();
    d.cleanup();
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function upload(page, file, format, { prefix = 'IMP', kuk = '1.1' } = {}) {
  await page.evaluate(() => document.getElementById('itembank-report').replaceChildren());
  await page.setInputFiles('#ib-file', file);
  await page.selectOption('#ib-format', format);
  await page.fill('#ib-prefix', prefix);
  await page.fill('#ib-kuk', kuk);
  await page.click('#ib-submit');
  await page.waitForSelector('#itembank-outcome');
}

// The YAML fragment the page offers, as the browser downloads it.
async function download(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#itembank-download')]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
}

test('admin imports a Moodle XML file on the item bank page and sees every question', async () => {
  const p = await newPage(browser);
  const { page } = p;
  await loginAs(page, d.url, email);
  await page.goto(`${d.url}/admin`);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/admin/bank-soal"]')]);
  assert.equal(await page.textContent('h1'), 'Bank soal');
  await checkPage(page, 'item-bank');
  // The QTI export of every exam and the template are offered as downloads.
  assert.ok(await page.$('a[download][href="/api/admin/exams/FSN-PBW-JR/qti.zip"]'));
  assert.ok(await page.$('a[download][href="/api/admin/item-bank/template.xlsx"]'));

  await upload(page, path.join(SOURCE_DIR, 'tests/data/itembank/sample.moodle.xml'), 'moodle', {
    prefix: 'MDL',
  });
  assert.equal(await page.textContent('#itembank-outcome'),
    '7 soal diimpor, 6 tidak dapat dipetakan.');
  const rows = await page.$$eval('#itembank-entries tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 13);
  assert.deepEqual(rows[0].slice(0, 3), ['baris 8', 'MDL-001', 'single']);
  assert.deepEqual([rows[7][0], rows[7][1], rows[7][4]],
    ['baris 57', 'tidak dipetakan', 'matching question: ujikom has no matching item type']);
  const yaml = await download(page);
  assert.equal(yaml.name, 'fragmen-soal.yaml');
  assert.match(yaml.text, /^ {8}items:\n {10}- id: "MDL-001"\n/);
  await assertAccessible(page, 'item bank report');
  await page.screenshot({ path: path.join(tmp, 'report.png') });
  await checkPage(page, 'item-bank-report');

  // Markup and script in the file's texts come out as text.
  const hostile = path.join(tmp, 'hostile.xml');
  writeFileSync(hostile, '<quiz><question type="category"><category><text>'
    + '&lt;img src=x onerror=alert(1)&gt;</text></category></question>'
    + '<question type="truefalse"><name><text>&lt;script&gt;alert(2)&lt;/script&gt;</text></name>'
    + '<questiontext format="html"><text><![CDATA[<b onmouseover="alert(3)">Benar?</b>'
    + '<script>alert(4)</script>]]></text></questiontext>'
    + '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text>'
    + '</answer></question></quiz>');
  await upload(page, hostile, 'moodle');
  assert.equal(await page.textContent('#itembank-entries tbody td:nth-child(4)'), '<img src=x onerror=alert(1)>');
  assert.equal(await page.$('#itembank-report img'), null);
  assert.match((await download(page)).text, /prompt: "Benar\?"/);

  // A DOCTYPE (XXE) is refused with the reason.
  const xxe = path.join(tmp, 'xxe.xml');
  writeFileSync(xxe, '<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>');
  await upload(page, xxe, 'moodle');
  assert.equal(await page.textContent('#itembank-outcome'), 'Berkas tidak dapat dibaca (1)');
  assert.match(await page.textContent('#itembank-problems li'), /^xxe\.xml:1:\d+: the document declares a document type \(DOCTYPE\)/);
  await assertAccessible(page, 'item bank refusal');
  assertNoDialogs(p);
  await page.close();
});
