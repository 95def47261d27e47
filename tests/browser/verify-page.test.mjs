// The verification page for people: the verdict is the page's first heading, in a banner
// whose colour and icon both differ for genuine, expired, revoked, suspended and not
// genuine (and a mistyped number, which says so instead of "not genuine"), readable at
// 360 px, accessible (axe), with screenshots in tests/artifacts/screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDaemon, candidateClient, adminClient, EXAMS_DIR, BACKEND, dbExec } from '../integration/lib/daemon.mjs';
import { loadExams, passExam } from '../integration/attempts-keys.mjs';
import { keyPem, forgeQr, forgeCredential, randomSerial } from '../integration/lib/certforge.mjs';
import { launch, newPage, checkPage, assertNoDialogs } from './lib/browser.mjs';

const exams = loadExams(EXAMS_DIR).filter((e) =>
  e.exam.units.every((u) => u.assessment !== 'observation' && u.pools.every((p) => p.items.every((it) => it.type !== 'open'))));

let d; let browser; let admin;

function sql(query) {
  const r = dbExec(d.dataDir, query);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// A new certificate for a new candidate who passes exams[i]: { serial, kid, qr }.
async function certificate(name, i) {
  const c = await candidateClient(d, name);
  const id = await passExam(c, exams[i]);
  const r = await c.post(`/api/attempts/${id}/certificate`);
  const { serial, kid } = r.json;
  return { serial, kid, client: c, qr: sql(`SELECT qr_token FROM certificates WHERE serial = '${serial}'`) };
}

// Makes certificate c one that was issued ~3 years ago and expired 100 days ago, as the
// service would have issued it then: its row's dates and tokens rewritten with the service's
// own key (the register's immutability triggers lifted for the change only).
async function backdate(c) {
  const day = Math.floor(Date.now() / 86400000);
  const issued = day - 1200, expires = day - 100;
  const pem = keyPem(d.dataDir, c.kid);
  const qr = forgeQr(c.qr, pem, { 5: issued, 6: expires });
  const cred = await forgeCredential((await c.client.get(`/api/certificates/${c.serial}/credential`)).text, pem, (p) => {
    p.nbf = p.iat = issued * 86400;
    p.exp = expires * 86400;
    p.vc.validFrom = new Date(p.nbf * 1000).toISOString().replace('.000Z', 'Z');
    p.vc.validUntil = new Date(p.exp * 1000).toISOString().replace('.000Z', 'Z');
  });
  const update = `UPDATE certificates SET issued_at = ${issued * 86400}, expires_at = ${expires * 86400}, qr_token = '${qr}', jws = '${cred}', display = NULL
       WHERE serial = '${c.serial}'`;
  // Past the triggers that forbid it: SQLite drops them and makes them again with their own
  // text; PostgreSQL disables them for the statement (psql -c runs all in one transaction).
  if (BACKEND === 'postgresql') {
    sql(`ALTER TABLE certificates DISABLE TRIGGER certificates_immutable; ALTER TABLE certificates DISABLE TRIGGER certificates_display_once;
         ${update}; ALTER TABLE certificates ENABLE TRIGGER certificates_immutable; ALTER TABLE certificates ENABLE TRIGGER certificates_display_once`);
    return qr;
  }
  const triggers = sql(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('certificates_immutable', 'certificates_display_once')`);
  sql(`DROP TRIGGER certificates_immutable; DROP TRIGGER certificates_display_once; ${update};
       ${triggers.split('\n').join(' ').replace(/END(?!;)/g, 'END;')}`);
  return qr;
}

before(async () => {
  assert.ok(exams.length >= 2);
  d = await startDaemon();
  admin = await adminClient(d);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (d) { await d.stop(); d.cleanup(); }
});

test('the verdict banners differ in colour and icon, lead the page, and read at 360 px', async () => {
  const genuine = await certificate('Ayu Lestari', 0);
  const revoked = await certificate('Bayu Pratama', 0);
  assert.equal((await admin.post(`/api/certificates/${revoked.serial}/revoke`, { reason: 'Identitas tidak sesuai' })).status, 200);
  const expired = await certificate('Citra Dewi', 1);
  const expiredQr = await backdate(expired);
  const pages = {
    genuine: `/V/${genuine.qr}`,
    revoked: `/verify?serial=${revoked.serial}`,
    expired: `/V/${expiredQr}`,
    not_genuine: `/V/${forgeQr(genuine.qr, keyPem(d.dataDir, genuine.kid), { 1: randomSerial() })}`,
    invalid: `/verify?serial=${encodeURIComponent('UJK-0000-0000-0000-0000-1')}`,
  };
  const suspended = await certificate('Dimas Saputra', 1);
  const susp = await admin.post(`/api/certificates/${suspended.serial}/suspend`, { reason: 'Pemeriksaan ulang' });
  assert.equal(susp.status, 200, susp.text);
  pages.suspended = `/verify?serial=${suspended.serial}`;

  const seen = {};
  for (const [kind, url] of Object.entries(pages)) {
    const p = await newPage(browser, { width: 360, height: 800 });
    await p.page.goto(d.url + url);
    const banner = p.page.locator('section.verdict');
    assert.equal(await banner.getAttribute('class'), `verdict verdict-${kind}`, `${kind}: ${url}`);
    const first = await p.page.evaluate(() => {
      const h = document.querySelector('main h1, main h2');
      return { inBanner: !!h.closest('section.verdict'), tag: h.tagName };
    });
    assert.deepEqual(first, { inBanner: true, tag: 'H1' }, `${kind}: the verdict is the first heading`);
    seen[kind] = await banner.evaluate((s) => ({
      background: getComputedStyle(s).backgroundColor,
      border: getComputedStyle(s).borderLeftColor,
      icon: s.querySelector('svg.verdict-icon').innerHTML,
      text: s.querySelector('h1').textContent,
    }));
    const text = await p.page.textContent('main');
    if (kind === 'revoked' || kind === 'suspended') {
      assert.doesNotMatch(text, /Berlaku sampai|Valid until/, `${kind}: no "valid until" as if valid`);
    }
    if (kind === 'invalid') {
      assert.match(seen[kind].text, /Nomor tidak valid — periksa ketikan/);
      assert.match(seen[kind].text, /Not a valid number — check what you typed/);
      assert.doesNotMatch(text, /TIDAK ASLI|NOT GENUINE/);
    }
    if (kind === 'not_genuine') {
      assert.match(text, /Ditandatangani, tetapi tidak diterbitkan oleh register ini\./);
      assert.match(text, /Signed, but not issued by this register\./);
    }
    // A certificate that must not be accepted may be reported to the LSP; a register's
    // certificate with its number, a forgery without the number the forger wrote.
    const report = banner.locator('.verdict-report a');
    if (['revoked', 'suspended', 'not_genuine'].includes(kind)) {
      const serial = { revoked: revoked.serial, suspended: suspended.serial }[kind];
      assert.equal(await report.getAttribute('href'), serial
        ? `/pengaduan?category=certificate&about=${serial}` : '/pengaduan?category=certificate', kind);
      assert.match(await report.textContent(), /Laporkan kepada LSP penerbit \/ Report it to the issuing LSP/);
    } else {
      assert.equal(await report.count(), 0, `${kind}: nothing to report`);
    }
    if (kind === 'genuine') {
      // Each unit code reads on one line at 360 px: a code split in two reads as two.
      const codes = await p.page.$$eval('main table td:first-child', (tds) => tds.map((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        const tops = [...range.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top));
        return { code: td.textContent, lines: new Set(tops).size };
      }));
      assert.equal(codes.length, 2, JSON.stringify(codes));
      assert.deepEqual(codes.filter((c) => c.lines !== 1), [], 'unit codes split across lines');
      // The number field holds a whole number (its placeholder is one), and says so to a
      // phone's keyboard; the facts read as name above value, names in bold.
      const field = await p.page.$eval('#serial', (input) => {
        const ctx = document.createElement('canvas').getContext('2d');
        const cs = getComputedStyle(input);
        ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const inner = input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return { fits: ctx.measureText(input.placeholder).width <= inner, caps: input.getAttribute('autocapitalize') };
      });
      assert.deepEqual(field, { fits: true, caps: 'characters' });
      const facts = await p.page.$eval('main dl', (dl) => ({
        dt: Number(getComputedStyle(dl.querySelector('dt')).fontWeight) >= 600,
        dd: getComputedStyle(dl.querySelector('dd')).marginLeft,
      }));
      assert.deepEqual(facts, { dt: true, dd: '0px' });
    }
    await checkPage(p.page, `verify-${kind}`);
    assertNoDialogs(p);
    await p.context.close();
  }
  const kinds = Object.keys(seen);
  for (const field of ['background', 'icon', 'text']) {
    const values = new Set(kinds.map((k) => seen[k][field]));
    assert.equal(values.size, kinds.length, `every banner has its own ${field}: ${JSON.stringify(seen, null, 1)}`);
  }
  assert.equal(kinds.length, 6, 'genuine, expired, revoked, suspended, not genuine, mistyped');
});
