// One name everywhere: a person's name enters through one validator (registration over the
// API and the page, staff accounts over the API and the CLI), is stored in NFC, is limited to
// 200 characters whatever their bytes, and a certificate shows the very same string on the
// holder's page, on the verification page, in the signed tokens and in the PDF's text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import {
  startDaemon, stopClean, cli, tmpDir, Client, adminClient, uniqueEmail, PASSWORD, EXAMS_DIR,
  freePort, BACKEND,
} from './lib/daemon.mjs';
import { sql } from './lib/reliability.mjs';
import { loadExams, passExam } from './attempts-keys.mjs';

const exams = loadExams(EXAMS_DIR).filter((e) =>
  e.exam.units.every((u) => u.assessment !== 'observation' && u.pools.every((p) => p.items.every((it) => it.type !== 'open'))));

// "Ṣĕkar Ayu Ñoviantï" typed decomposed (NFD) and as it must be stored (NFC).
const SEKAR_NFD = 'S\u0323e\u0306kar Ayu N\u0303ovianti\u0308';
const SEKAR_NFC = '\u1E62\u0115kar Ayu \u00D1oviant\u00EF';

// 200 characters, every letter two bytes of UTF-8 (Latin, Greek, Cyrillic): 20 words of
// nine or ten letters with 19 spaces between them, 381 bytes in all.
const TWO = ['Ñ', 'ĕ', 'š', 'α', 'Ж', 'é', 'ü', 'č', 'л'];
function twoByteName(shift = 0) {
  const words = [];
  for (let w = 0; w < 20; w += 1) {
    let word = '';
    for (let i = 0; i < (w < 19 ? 9 : 10); i += 1) word += TWO[(w + i + shift) % TWO.length];
    words.push(word);
  }
  return words.join(' ');
}
const LONG = twoByteName();

let d;
let port;
let work;
let admin;

// One value read with sqlite3 from the daemon's database (null when there is no row).
function sqlValue(query) {
  const rows = sql(d.dataDir, query);
  return rows.length === 0 ? null : Object.values(rows[0])[0];
}

// The stored name of an account, read with sqlite3 (as hex, so that nothing between the
// database and the test re-encodes it).
function storedName(email) {
  const hex = sqlValue(BACKEND === 'postgresql'
    ? `SELECT upper(encode(convert_to(name, 'UTF8'), 'hex')) FROM users WHERE email = '${email}'`
    : `SELECT hex(name) FROM users WHERE email = '${email}'`);
  return hex === null ? null : Buffer.from(hex, 'hex').toString('utf8');
}

function codePoints(s) {
  return [...s].length;
}

// The text of an HTML fragment as a browser shows it: tags dropped, the five entities html.c
// writes decoded, white space collapsed.
function htmlText(fragment) {
  return fragment.replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ').trim();
}

before(async () => {
  assert.ok(exams.length >= 1, 'need an all-objective exam');
  port = await freePort();
  work = tmpDir('ujikom-names-');
  d = await startDaemon({
    args: ['--listen', `127.0.0.1:${port}`, '--public-url', `http://127.0.0.1:${port}`,
      '--cert-issuer', 'LSP Ekonomi Kreatif Uji'],
  });
  admin = await adminClient(d);
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a name typed in NFD is stored, answered and shown in NFC', async () => {
  const c = new Client(d.url);
  const email = uniqueEmail('nfd');
  const r = await c.register(SEKAR_NFD, email, PASSWORD);
  assert.equal(r.status, 201, r.text);
  assert.notEqual(SEKAR_NFD, SEKAR_NFC);
  assert.equal(SEKAR_NFD.normalize('NFC'), SEKAR_NFC);
  assert.equal(r.json.user.name, SEKAR_NFC, 'the answer gives the stored form');
  assert.equal(storedName(email), SEKAR_NFC, 'sqlite3 reads the NFC bytes');
  assert.equal(sqlValue(BACKEND === 'postgresql'
    ? `SELECT octet_length(name) FROM users WHERE email = '${email}'`
    : `SELECT length(CAST(name AS BLOB)) FROM users WHERE email = '${email}'`),
    Buffer.byteLength(SEKAR_NFC));
  const l = await c.login(email, PASSWORD);
  assert.equal(l.status, 200);
  assert.equal(l.json.user.name, SEKAR_NFC);
  const me = await c.get('/api/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.name, SEKAR_NFC);
});

test('U+202E, U+0085 and U+200B are refused with 400, naming the character, and nothing is stored', async () => {
  const cases = [
    ['Rina \u202Ekawan Wulandari', /bidirectional formatting character \(U\+202E\)/],
    ['Rina\u0085Wulandari', /control character \(U\+0085\)/],
    ['Rina\u200BWulandari', /invisible character \(U\+200B\)/],
  ];
  const c = new Client(d.url);
  for (const [name, why] of cases) {
    const email = uniqueEmail('bad');
    const r = await c.register(name, email, PASSWORD);
    assert.equal(r.status, 400, `${JSON.stringify(name)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error, 'invalid_field');
    assert.match(r.json.message, why, r.json.message);
    assert.match(r.json.message, /^name: /);
    assert.equal(storedName(email), null, 'no account was created');
    // The same rule for staff accounts, over HTTP and on the command line.
    const s = await admin.post('/api/admin/users', { email: uniqueEmail('badstaff'), name, role: 'assessor', password: PASSWORD });
    assert.equal(s.status, 400, s.text);
    assert.match(s.json.message, why, s.json.message);
    const cl = cli(['admin', 'create', '--email', uniqueEmail('badcli'), '--name', name, '--role', 'assessor'],
      { input: `${PASSWORD}\n`, dataDir: d.dataDir });
    assert.equal(cl.status, 2, cl.stderr);
    assert.match(cl.stderr, why, cl.stderr);
  }
});

test('the limit is 200 characters whatever their bytes, at every entry point', async () => {
  assert.equal(codePoints(LONG), 200);
  assert.equal(Buffer.byteLength(LONG), 381);
  const three = 'Ṣ'.repeat(200); // three bytes each
  const four = '\u{20000}'.repeat(200); // four bytes each (a CJK letter)
  const c = new Client(d.url);
  for (const name of [LONG, three, four]) {
    const email = uniqueEmail('long');
    const r = await c.register(name, email, PASSWORD);
    assert.equal(r.status, 201, `${codePoints(name)} characters, ${Buffer.byteLength(name)} bytes: ${r.text}`);
    assert.equal(r.json.user.name, name);
    assert.equal(storedName(email), name);
    const over = await c.register(`${name}é`, uniqueEmail('over'), PASSWORD);
    assert.equal(over.status, 400, over.text);
    assert.match(over.json.message, /longer than 200 characters/);
  }
  // The registration page (a form), staff accounts over the API, the admin page and the CLI.
  const pageEmail = uniqueEmail('page');
  const form = new URLSearchParams({ name: twoByteName(1), email: pageEmail, password: PASSWORD, password2: PASSWORD });
  const page = await fetch(`${d.url}/register`, {
    method: 'POST', body: form.toString(), redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(page.status, 303, await page.text());
  assert.equal(storedName(pageEmail), twoByteName(1));
  const staffEmail = uniqueEmail('staff');
  const s = await admin.post('/api/admin/users', { email: staffEmail, name: twoByteName(2), role: 'assessor', password: PASSWORD });
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json.user ? s.json.user.name : s.json.name, twoByteName(2));
  assert.equal(storedName(staffEmail), twoByteName(2));
  // The admin page's form (no JavaScript) hands its fields to the same handler.
  const formEmail = uniqueEmail('staffform');
  const viaForm = await admin.req('POST', '/admin/users',
    new URLSearchParams({ csrf: admin.csrf, name: twoByteName(4), email: formEmail, password: PASSWORD, role: 'assessor' }).toString(),
    { raw: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: d.url } });
  assert.ok([200, 201].includes(viaForm.status), `${viaForm.status} ${viaForm.text}`);
  assert.equal(storedName(formEmail), twoByteName(4));
  const cliEmail = uniqueEmail('cli');
  const cl = cli(['admin', 'create', '--email', cliEmail, '--name', twoByteName(3), '--role', 'assessor'],
    { input: `${PASSWORD}\n`, dataDir: d.dataDir });
  assert.equal(cl.status, 0, cl.stderr);
  assert.equal(storedName(cliEmail), twoByteName(3));
});

// The holder's line(s) of the PDF as pdftotext reads them: between the sentences around the
// name, lines joined by one space (a long name wraps at its spaces).
function pdfHolder(pdfPath) {
  const r = spawnSync('pdftotext', ['-f', '1', '-l', '1', pdfPath, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const before = 'Diberikan kepada / This is to certify that';
  const a = r.stdout.indexOf(before);
  const b = r.stdout.indexOf('telah dinyatakan KOMPETEN');
  assert.ok(a >= 0 && b > a, r.stdout);
  return r.stdout.slice(a + before.length, b).replace(/\s+/g, ' ').trim();
}

for (const [label, typed, shown] of [
  ['Latin letters with diacritics, typed in NFD', SEKAR_NFD, SEKAR_NFC],
  ['200 characters of two-byte letters', LONG, LONG],
  ['letters with two marks (composite glyphs of composite glyphs)', 'Nguy\u1EC5n Th\u1ECB \u00C1nh Tuy\u1EBFt', 'Nguy\u1EC5n Th\u1ECB \u00C1nh Tuy\u1EBFt'],
]) {
  test(`certificate of ${label}: page, verification page, tokens and PDF show one string`, async () => {
    const c = new Client(d.url);
    const email = uniqueEmail('holder');
    assert.equal((await c.register(typed, email, PASSWORD)).status, 201);
    assert.equal((await c.login(email, PASSWORD)).status, 200);
    const attempt = await passExam(c, exams[0]);
    const list = await c.get('/api/certificates');
    assert.equal(list.status, 200);
    assert.equal(list.json.certificates.length, 1, list.text);
    const { serial } = list.json.certificates[0];
    const cert = await c.get(`/api/certificates/${serial}`);
    assert.equal(cert.status, 200);
    assert.equal(cert.json.holder, shown);
    assert.equal(sqlValue(BACKEND === 'postgresql'
      ? `SELECT upper(encode(convert_to(holder, 'UTF8'), 'hex')) FROM certificates WHERE serial = '${serial}'`
      : `SELECT hex(holder) FROM certificates WHERE serial = '${serial}'`),
      Buffer.from(shown).toString('hex').toUpperCase(), 'the store holds the NFC name');
    assert.equal(sqlValue(`SELECT count(*) FROM certificates WHERE attempt_id = ${Number(attempt)}`), 1);

    // The holder's own page.
    const me = await c.get('/me');
    assert.equal(me.status, 200);
    const card = me.text.slice(me.text.indexOf(`id="cert-${serial}"`));
    const m = /<dd class="holder">([\s\S]*?)<\/dd>/.exec(card);
    assert.ok(m, 'the certificate card names its holder');
    const mePage = htmlText(m[1]);
    assert.equal(mePage, shown);

    // The verification page by serial, for anyone.
    const v = await fetch(`${d.url}/verify?serial=${serial}`);
    assert.equal(v.status, 200);
    const vhtml = await v.text();
    const rows = [...vhtml.matchAll(/<dt>([\s\S]*?)<\/dt><dd>([\s\S]*?)<\/dd>/g)];
    const nameRow = rows.find((row) => /Nama|Name|Holder/.test(htmlText(row[1])));
    assert.ok(nameRow, 'the verification page has a name row');
    const verifyPage = htmlText(nameRow[2]);
    assert.equal(verifyPage, shown);

    // The PDF's text.
    const pdf = await c.get(`/api/certificates/${serial}/pdf`);
    assert.equal(pdf.status, 200);
    const pdfPath = path.join(work, `${serial}.pdf`);
    writeFileSync(pdfPath, pdf.body);
    assert.equal(pdfHolder(pdfPath), mePage, 'pdftotext of the PDF = the holder page');
    assert.equal(pdfHolder(pdfPath), verifyPage, 'pdftotext of the PDF = the verification page');

    // The QR code scans to the verification URL, whose signed token names the same holder.
    const png = await c.get(`/api/certificates/${serial}/qr.png`);
    assert.equal(png.status, 200);
    const pngPath = path.join(work, `${serial}.png`);
    writeFileSync(pngPath, png.body);
    const scan = spawnSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', pngPath], { encoding: 'utf8' });
    assert.equal(scan.status, 0, `zbarimg: ${scan.stderr}`);
    const url = scan.stdout.trim();
    assert.match(url, new RegExp(`^HTTP://127\\.0\\.0\\.1:${port}/V/[A-Z2-7]+$`));
    const ppm = spawnSync('pdftoppm', ['-r', '300', '-png', '-f', '1', '-l', '1', pdfPath, path.join(work, `${serial}-page`)]);
    assert.equal(ppm.status, 0);
    const pdfScan = spawnSync('sh', ['-c', `zbarimg --raw -q -Sdisable -Sqrcode.enable ${work}/${serial}-page*.png`], { encoding: 'utf8' });
    assert.equal(pdfScan.stdout.trim(), url, 'the PDF prints the same, scannable QR code');
    const j = await (await fetch(url, { headers: { Accept: 'application/json' } })).json();
    assert.equal(j.verdict, 'genuine', JSON.stringify(j));
    assert.equal(j.certificate.serial, serial);
    assert.equal(j.certificate.holder, shown);
    const qrPage = await (await fetch(url)).text();
    assert.ok(qrPage.includes(`<dd>${shown}</dd>`) || htmlText(qrPage).includes(shown));

    // The signed credential carries it too.
    const cred = await c.get(`/api/certificates/${serial}/credential`);
    assert.equal(cred.status, 200);
    const payload = JSON.parse(Buffer.from(cred.text.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(payload.vc.credentialSubject.name, shown);
  });
}
