// The verdict is signature ∧ register ∧ log ∧ status (docs/certificates.md, "Trust model"),
// tried as an attacker would: a row written into the database with sqlite3 and no key; with
// the real private key (a simulated theft), a token for a serial never issued and one for a
// real serial with another name; then the key retired as compromised. What another process
// writes to the database (a status, a tampered row) is seen by the very next request. Also:
// every surface prints one "valid until" date for a new certificate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as jose from 'jose';

import { startDaemon, candidateClient, adminClient, stopClean, cli, tmpDir, EXAMS_DIR, dbExec, BACKEND } from './lib/daemon.mjs';
import { loadExams, passExam } from './attempts-keys.mjs';
import { base32Encode, keyPem, forgeQr, forgeCredential, renamed, randomSerial } from './lib/certforge.mjs';

const exams = loadExams(EXAMS_DIR).filter((e) =>
  e.exam.units.every((u) => u.assessment !== 'observation' && u.pools.every((p) => p.items.every((it) => it.type !== 'open'))));

let d; let cand; let admin; let work;
let cert; // { serial, kid, qr, cred }
let next; // a certificate signed by the key that replaced cert's

function sql(query) {
  const r = dbExec(d.dataDir, query);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Takes exams[i] with no answer (BK); returns the attempt id.
async function failExam(c, i) {
  const start = await c.post(`/api/exams/${exams[i].exam.id}/attempts`);
  assert.equal(start.status, 201, start.text);
  const submit = await c.post(`/api/attempts/${start.json.id}/submit`);
  assert.equal(submit.json.verdict, 'BK', submit.text);
  return start.json.id;
}

// A new certificate of the candidate: serial, kid, QR token, credential.
async function newCertificate(i, c = cand) {
  const id = await passExam(c, exams[i]);
  const r = await c.post(`/api/attempts/${id}/certificate`);
  assert.ok(r.status === 200 || r.status === 201, r.text);
  const { serial, kid } = r.json;
  const qr = sql(`SELECT qr_token FROM certificates WHERE serial = '${serial}'`);
  const cred = (await c.get(`/api/certificates/${serial}/credential`)).text;
  return { serial, kid, qr, cred, json: r.json };
}

const viaQr = async (token) => (await fetch(`${d.url}/V/${token}`, { headers: { Accept: 'application/json' } })).json();
const qrPage = async (token) => (await fetch(`${d.url}/V/${token}`)).text();
const viaSerial = async (serial) => (await fetch(`${d.url}/verify?serial=${encodeURIComponent(serial)}`, { headers: { Accept: 'application/json' } })).json();
const serialPage = async (serial) => (await fetch(`${d.url}/verify?serial=${encodeURIComponent(serial)}`)).text();
const viaApi = async (body) => (await fetch(`${d.url}/api/verify`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
})).json();

function expectNot(answer, code, what) {
  assert.equal(answer.verdict, 'not_genuine', `${what}: ${JSON.stringify(answer).slice(0, 300)}`);
  assert.equal(answer.reason_code, code, `${what}: reason`);
  assert.ok(answer.reason_text.id && answer.reason_text.en, `${what}: the reason in both languages`);
}

function alarms(serial) {
  return Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'certificate.forgery' AND subject = 'certificate:${serial}'`));
}

before(async () => {
  assert.ok(exams.length >= 3, 'need three all-objective exams');
  work = tmpDir('ujikom-verdict-');
  d = await startDaemon({ args: ['--cert-issuer', 'LSP Verdict Uji'] });
  cand = await candidateClient(d, 'Rina Wulandari');
  admin = await adminClient(d);
  cert = await newCertificate(0);
});

after(async () => {
  if (d) { await stopClean(d); d.cleanup(); }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('an issued certificate is genuine in every form, with its log position', async () => {
  for (const a of [await viaQr(cert.qr), await viaSerial(cert.serial), await viaApi({ credential: cert.cred }),
    await viaApi({ token: `${d.url}/V/${cert.qr}` }), await viaApi({ serial: cert.serial })]) {
    assert.equal(a.verdict, 'genuine', JSON.stringify(a).slice(0, 300));
    assert.equal(a.reason_code, undefined);
    assert.equal(a.certificate.holder, 'Rina Wulandari');
    assert.equal(typeof a.log.index, 'number');
  }
  assert.match(await qrPage(cert.qr), /Tercatat di log publik pada posisi \d+\./);
});

test('a row written with sqlite3 without a key is not genuine on /V/, /verify and POST /api/verify', async () => {
  const bk = await failExam(await candidateClient(d, 'Dewi Lestari'), 1);
  const row = sql(`SELECT user_id || '|' || holder || '|' || subsector || '|' || exam_id || '|' || issued_at || '|' || expires_at || '|' || kid FROM certificates WHERE serial = '${cert.serial}'`).split('|');
  const serial = randomSerial();
  const qr = base32Encode(randomBytes(150)); // random bytes as the COSE token
  sql(`INSERT INTO certificates(serial, attempt_id, user_id, holder, subsector, exam_id, units, issued_at, expires_at, kid, jws, qr_token, display)
       SELECT '${serial}', ${bk}, ${row[0]}, holder, subsector, exam_id, units, issued_at, expires_at, kid, 'x.y.z', '${qr}', display
       FROM certificates WHERE serial = '${cert.serial}'`);
  expectNot(await viaQr(qr), 'malformed', '/V/ random COSE');
  expectNot(await viaSerial(serial), 'bad_signature', '/verify?serial=');
  expectNot(await viaApi({ serial }), 'bad_signature', 'POST serial');
  expectNot(await viaApi({ token: qr }), 'malformed', 'POST token');
  expectNot(await viaApi({ credential: 'x.y.z' }), 'malformed', 'POST credential');
  const page = await serialPage(serial);
  assert.match(page, /TIDAK ASLI/);
  assert.doesNotMatch(page, /Rina Wulandari/, 'a forgery\'s claims are not shown');
  assert.match(await qrPage(qr), /TIDAK ASLI/);
  // The honest certificate is unaffected.
  assert.equal((await viaSerial(cert.serial)).verdict, 'genuine');
});

// Runs an UPDATE of a certificate's row past the trigger that forbids it, as someone with
// write access to the database could: SQLite drops the trigger and makes it again with its
// own text; PostgreSQL disables it for the statement (psql -c runs all in one transaction).
function pastTrigger(update) {
  if (BACKEND === 'postgresql') {
    sql(`ALTER TABLE certificates DISABLE TRIGGER certificates_immutable; ${update}; ALTER TABLE certificates ENABLE TRIGGER certificates_immutable`);
    return;
  }
  const trigger = sql("SELECT sql FROM sqlite_master WHERE name = 'certificates_immutable'");
  sql(`DROP TRIGGER certificates_immutable; ${update}; ${trigger};`);
}

test('what another process writes to the database is seen by the very next request: suspension, reinstatement, a tampered row, revocation', async () => {
  const c = await newCertificate(0, await candidateClient(d, 'Sari Kusuma'));
  const both = async () => [await viaQr(c.qr), await viaSerial(c.serial)];
  for (const a of await both()) assert.equal(a.verdict, 'genuine');
  const now = Date.now();
  sql(`UPDATE certificates SET status = 'suspended', suspended_at = ${now}, suspended_reason = 'uji ulang' WHERE serial = '${c.serial}'`);
  for (const a of await both()) assert.equal(a.verdict, 'suspended', JSON.stringify(a).slice(0, 300));
  sql(`UPDATE certificates SET status = 'valid', suspended_at = NULL, suspended_reason = NULL WHERE serial = '${c.serial}'`);
  for (const a of await both()) assert.equal(a.verdict, 'genuine');
  // A name changed in the row by someone without the key (past the trigger that forbids it):
  // the register seal no longer holds, and the signed token names someone else.
  pastTrigger(`UPDATE certificates SET holder = 'Sari Kusumawati' WHERE serial = '${c.serial}'`);
  expectNot(await viaQr(c.qr), 'claims_differ', '/V/ after the holder was changed');
  expectNot(await viaSerial(c.serial), 'claims_differ', '/verify?serial= after the holder was changed');
  pastTrigger(`UPDATE certificates SET holder = 'Sari Kusuma' WHERE serial = '${c.serial}'`);
  for (const a of await both()) assert.equal(a.verdict, 'genuine');
  sql(`UPDATE certificates SET status = 'revoked', revoked_at = ${now}, revoked_reason = 'dicabut' WHERE serial = '${c.serial}'`);
  for (const a of await both()) {
    assert.equal(a.verdict, 'revoked', JSON.stringify(a).slice(0, 300));
    assert.equal(a.revocation.reason, 'dicabut');
  }
});

test('a page scanned again and again (answered from what the daemon proved) turns revoked on the next scan after another process revokes it', async () => {
  const c = await newCertificate(1, await candidateClient(d, 'Bayu Saputra'));
  // Scanned repeatedly: the first scan proves the row, the next ones reuse the proof.
  for (let i = 0; i < 3; i++) {
    assert.match(await qrPage(c.qr), /class="verdict verdict-genuine"/);
    assert.equal((await viaQr(c.qr)).verdict, 'genuine');
    assert.equal((await viaSerial(c.serial)).verdict, 'genuine');
  }
  const now = Date.now();
  // Another process on the same database (an operator's shell; another node): suspended...
  sql(`UPDATE certificates SET status = 'suspended', suspended_at = ${now}, suspended_reason = 'diperiksa' WHERE serial = '${c.serial}'`);
  assert.match(await qrPage(c.qr), /class="verdict verdict-suspended"/);
  assert.equal((await viaQr(c.qr)).verdict, 'suspended');
  assert.equal((await viaSerial(c.serial)).verdict, 'suspended');
  // ... then revoked, while the page keeps being scanned.
  sql(`UPDATE certificates SET status = 'revoked', revoked_at = ${now}, revoked_reason = 'dicabut lewat konsol', suspended_at = NULL, suspended_reason = NULL WHERE serial = '${c.serial}'`);
  const page = await qrPage(c.qr);
  assert.match(page, /class="verdict verdict-revoked"/);
  assert.match(page, /dicabut lewat konsol/);
  const j = await viaQr(c.qr);
  assert.equal(j.verdict, 'revoked', JSON.stringify(j).slice(0, 300));
  assert.equal(j.revocation.reason, 'dicabut lewat konsol');
  assert.equal((await viaSerial(c.serial)).verdict, 'revoked');
});

test('with the real private key: a never-issued serial and another name are not genuine, logged and audited', async () => {
  const pem = keyPem(d.dataDir, cert.kid);
  const never = randomSerial();
  const qr = forgeQr(cert.qr, pem, { 1: never });
  expectNot(await viaQr(qr), 'not_in_register', 'QR, serial never issued');
  expectNot(await viaApi({ credential: await forgeCredential(cert.cred, pem, renamed({ serial: never })) }),
    'not_in_register', 'credential, serial never issued');
  const page = await qrPage(qr);
  assert.match(page, /Ditandatangani, tetapi tidak diterbitkan oleh register ini\./);
  assert.match(page, /Signed, but not issued by this register\./);
  assert.doesNotMatch(page, /ASLI — berlaku/);
  assert.equal((await admin.post(`/api/certificates/${never}/revoke`, { reason: 'palsu' })).status, 404);

  const other = forgeQr(cert.qr, pem, { 2: 'Budi Santoso' });
  expectNot(await viaQr(other), 'claims_differ', 'QR, another name');
  expectNot(await viaApi({ credential: await forgeCredential(cert.cred, pem, renamed({ holder: 'Budi Santoso' })) }),
    'claims_differ', 'credential, another name');
  assert.doesNotMatch(await qrPage(other), /Budi Santoso/, 'the forged name is not shown');

  // Logged: one audit entry per serial and reason (not one per request), and a security line.
  await viaQr(qr);
  assert.equal(alarms(never), 1);
  assert.equal(alarms(cert.serial), 1);
  assert.match(d.output(), new RegExp(`security: certificate ${never} .*not_in_register`));
  assert.match(d.output(), new RegExp(`security: certificate ${cert.serial} .*claims_differ`));
  const chain = cli(['audit', 'verify'], { dataDir: d.dataDir });
  assert.equal(chain.status, 0, chain.stderr);
});

test('one validity window: the QR page, JSON, credential, PDF and ujikom verify print one "valid until" date', async () => {
  const c = await newCertificate(2);
  assert.equal(c.json.expires_at % 86400, 0, 'expiry at 00:00 UTC');
  const until = new Date((c.json.expires_at - 1) * 1000).toISOString().slice(0, 10);
  const fromQr = await viaQr(c.qr);
  const fromSerial = await viaSerial(c.serial);
  const fromCred = await viaApi({ credential: c.cred });
  for (const a of [fromQr, fromSerial, fromCred]) {
    assert.equal(a.certificate.valid_until, until);
    assert.equal(a.certificate.expires_at, c.json.expires_at, 'the QR token\'s days say the signed window exactly');
  }
  assert.equal(jose.decodeJwt(c.cred).exp, c.json.expires_at);
  for (const page of [await qrPage(c.qr), await serialPage(c.serial)]) {
    assert.match(page, new RegExp(`Berlaku sampai <span lang="en">/ Valid until</span></dt><dd>${until}</dd>`));
  }
  if (spawnSync('sh', ['-c', 'command -v pdftotext']).status === 0) {
    const pdf = await cand.get(`/api/certificates/${c.serial}/pdf`);
    assert.equal(pdf.status, 200);
    const file = path.join(work, 'c.pdf');
    writeFileSync(file, pdf.body);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    assert.match(text, new RegExp(`Valid until: ${until}`));
  }
  const jwks = path.join(work, 'jwks.json');
  writeFileSync(jwks, await (await fetch(`${d.url}/.well-known/jwks.json`)).text());
  for (const input of [c.qr, c.cred]) {
    const r = cli(['verify', '--jwks', jwks, input]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Until:\\s+${until}`));
  }
});

test('after keys retire --compromised-since, honest certificates from before stay genuine and a new forgery is key_compromised', async () => {
  const pem = keyPem(d.dataDir, cert.kid);
  await sleep(5);
  const since = new Date().toISOString();
  const r = cli(['keys', 'retire', cert.kid, '--compromised-since', since], { dataDir: d.dataDir });
  assert.equal(r.status, 0, r.stderr);
  const list = cli(['keys', 'list'], { dataDir: d.dataDir });
  assert.match(list.stdout, new RegExp(`^  ${cert.kid} retired \\S+ compromised-since \\S+$`, 'm'));
  assert.doesNotMatch(list.stdout, new RegExp(`^\\* ${cert.kid}`, 'm'), 'it no longer signs');
  d.proc.kill('SIGHUP');
  let jwks;
  for (let i = 0; i < 200; i++) {
    jwks = await (await fetch(`${d.url}/.well-known/jwks.json`)).json();
    if (jwks.keys.some((k) => k.kid === cert.kid && k.revoked)) break;
    await sleep(25);
  }
  const marked = jwks.keys.find((k) => k.kid === cert.kid);
  assert.ok(marked, 'the public key stays published');
  assert.deepEqual(marked.revoked, { revoked_at: Math.floor(Date.parse(since) / 1000), reason: 'keyCompromise' });

  // Logged before the compromise: still genuine, in every form.
  assert.equal((await viaQr(cert.qr)).verdict, 'genuine');
  assert.equal((await viaSerial(cert.serial)).verdict, 'genuine');
  assert.equal((await viaApi({ credential: cert.cred })).verdict, 'genuine');
  // Made with the stolen key: a serial never issued, another name.
  const never = randomSerial();
  expectNot(await viaQr(forgeQr(cert.qr, pem, { 1: never })), 'key_compromised', 'after the theft, never issued');
  expectNot(await viaQr(forgeQr(cert.qr, pem, { 2: 'Budi Santoso' })), 'key_compromised', 'after the theft, renamed');
  assert.match(await qrPage(forgeQr(cert.qr, pem, { 1: never })), /Signed with a stolen key after it was stolen/);
  assert.equal(alarms(never), 1);
  // New certificates are signed by the new key and are genuine.
  next = await newCertificate(1);
  assert.notEqual(next.kid, cert.kid);
  assert.equal((await viaQr(next.qr)).verdict, 'genuine');
});

test('a certificate the log recorded after the compromise time is key_compromised, one recorded before stays genuine', async (t) => {
  const later = await newCertificate(2, await candidateClient(d, 'Eka Putri'));
  assert.equal(later.kid, next.kid);
  const before = (await viaQr(next.qr)).log.logged_at_ms;
  const after = (await viaQr(later.qr)).log.logged_at_ms;
  if (!(before > 0 && after > before)) {
    t.skip(`the transparency log gives no issuance times to compare (${before}, ${after})`);
    return;
  }
  const since = new Date(Math.floor((before + after) / 2)).toISOString();
  assert.equal(cli(['keys', 'retire', next.kid, '--compromised-since', since], { dataDir: d.dataDir }).status, 0);
  d.proc.kill('SIGHUP');
  for (let i = 0; i < 200; i++) {
    const jwks = await (await fetch(`${d.url}/.well-known/jwks.json`)).json();
    if (jwks.keys.some((k) => k.kid === next.kid && k.revoked)) break;
    await sleep(25);
  }
  assert.equal((await viaQr(next.qr)).verdict, 'genuine');
  expectNot(await viaQr(later.qr), 'key_compromised', 'logged after the compromise time');
  expectNot(await viaSerial(later.serial), 'key_compromised', 'by serial');
});
