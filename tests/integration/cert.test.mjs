// Certificates end to end against the real daemon: a competent candidate's attempt becomes a
// certificate whose credential verifies with a standard JOSE library against the published
// JWKS, whose QR token verifies with generic CBOR + Ed25519 code, whose PDF prints a QR code
// that scans to a working verification URL; revocation, tampering, 20 racing issue
// requests, key rotation and the offline CLI verifier.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as jose from 'jose';
import { decode as cborDecode, encode as cborEncode, Tag } from 'cbor2';
import { ed25519 } from '@noble/curves/ed25519';

import { startDaemon, candidateClient, adminClient, stopClean, cli, tmpDir, EXAMS_DIR, dbExec } from './lib/daemon.mjs';
import { loadExams, answerAll, passExam } from './attempts-keys.mjs';
import { base32Encode, base32Decode } from './lib/certforge.mjs';

const HOLDER = '<img src=x onerror=alert(1)> Ayu Ñandini';
const exams = loadExams(EXAMS_DIR).filter((e) =>
  e.exam.units.every((u) => u.assessment !== 'observation' && u.pools.every((p) => p.items.every((it) => it.type !== 'open'))));

let d;
let port;
let work;

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

function has(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

before(async () => {
  assert.ok(exams.length >= 3, 'need three all-objective exams');
  port = await freePort();
  work = tmpDir('ujikom-cert-');
  d = await startDaemon({
    args: ['--listen', `127.0.0.1:${port}`, '--public-url', `http://127.0.0.1:${port}`,
      '--cert-issuer', 'LSP Ekonomi Kreatif Uji'],
  });
  assert.equal(d.port, port, 'the daemon listens where the public URL points');
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

function b64urlDecode(s) {
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

// Verifies a QR token with nothing but a CBOR decoder and Ed25519 (docs/certificates.md).
function verifyCose(token, jwks) {
  const raw = base32Decode(token);
  const top = cborDecode(raw);
  assert.ok(top instanceof Tag && Number(top.tag) === 18, 'tagged COSE_Sign1');
  const [prot, unprot, payload, sig] = top.contents;
  assert.deepEqual(unprot, {}, 'empty unprotected header');
  const hdr = cborDecode(prot, { preferMap: true });
  assert.equal(hdr.get(1), -8, 'alg EdDSA');
  const kid = Buffer.from(hdr.get(4)).toString('ascii');
  const jwk = jwks.keys.find((k) => k.kid === kid);
  assert.ok(jwk, `kid ${kid} is published`);
  const tbs = cborEncode(['Signature1', prot, new TextEncoder().encode('ujikom-cert-qr/1'), payload]);
  const ok = ed25519.verify(sig, tbs, b64urlDecode(jwk.x));
  const claims = cborDecode(payload, { preferMap: true });
  return { ok, kid, claims };
}

function sql(query) {
  const r = dbExec(d.dataDir, query);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

let cand; let admin; let cert; let jwks; let qrUrl; let firstKid;

test('a K attempt is issued exactly one certificate, idempotently', async () => {
  cand = await candidateClient(d, HOLDER);
  admin = await adminClient(d);
  const id = await passExam(cand, exams[0]);
  // An automatic K is certified at submit: the certificate exists before anyone asks.
  assert.equal(sql(`SELECT count(*) FROM certificates WHERE attempt_id = ${Number(id)}`), '1');
  const first = await cand.post(`/api/attempts/${id}/certificate`);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.created, false);
  assert.match(first.json.serial, /^UJK-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]$/);
  assert.equal(first.json.holder, HOLDER);
  assert.equal(first.json.exam_id, exams[0].exam.id);
  assert.equal(first.json.status, 'valid');
  const again = await cand.post(`/api/attempts/${id}/certificate`);
  assert.equal(again.status, 200);
  assert.equal(again.json.serial, first.json.serial);
  assert.equal(again.json.created, false);
  cert = first.json;
  firstKid = cert.kid;
  // audited in the same transaction
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'certificate.issue' AND subject = 'certificate:${cert.serial}'`), '1');

  const list = await cand.get('/api/certificates');
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.certificates.map((c) => c.serial), [cert.serial]);
  const mine = await cand.get(`/api/certificates/${cert.serial}`);
  assert.equal(mine.status, 200);
  // another candidate can neither see it nor have it issued
  const other = await candidateClient(d, 'Budi Santoso');
  assert.equal((await other.get(`/api/certificates/${cert.serial}`)).status, 404);
  assert.equal((await other.get(`/api/certificates/${cert.serial}/pdf`)).status, 404);
  assert.equal((await other.post(`/api/attempts/${id}/certificate`)).status, 404);
  assert.deepEqual((await other.get('/api/certificates')).json.certificates, []);
  // the admin sees everything
  const all = await admin.get('/api/certificates');
  assert.ok(all.json.certificates.some((c) => c.serial === cert.serial));
  assert.equal((await admin.get(`/api/certificates/${cert.serial}`)).status, 200);
});

test('BK and unknown attempts get no certificate', async () => {
  const c = await candidateClient(d, 'Rini Wulandari');
  const entry = exams[1];
  const start = await c.post(`/api/exams/${entry.exam.id}/attempts`);
  const submit = await c.post(`/api/attempts/${start.json.id}/submit`);
  assert.equal(submit.json.verdict, 'BK');
  const r = await c.post(`/api/attempts/${start.json.id}/certificate`);
  assert.equal(r.status, 409);
  assert.equal(r.json.error, 'cert_not_competent');
  assert.equal((await c.post('/api/attempts/987654/certificate')).status, 404);
  assert.equal((await c.post('/api/attempts/abc/certificate')).status, 404);
});

test('the credential verifies with jose against /.well-known/jwks.json', async () => {
  const res = await fetch(`${d.url}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
  jwks = await res.json();
  // one Ed25519 key, then the P-256 key of the credential's JWT form
  assert.equal(jwks.keys.length, 2);
  assert.deepEqual(Object.keys(jwks.keys[0]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
  assert.equal(jwks.keys[0].kty, 'OKP');
  assert.equal(jwks.keys[0].crv, 'Ed25519');
  assert.deepEqual(Object.keys(jwks.keys[1]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  assert.equal(jwks.keys[1].kty, 'EC');
  assert.equal(jwks.keys[1].crv, 'P-256');
  const cred = await cand.get(`/api/certificates/${cert.serial}/credential`);
  assert.equal(cred.status, 200);
  assert.match(cred.headers.get('content-type'), /^application\/jwt/);
  const { payload, protectedHeader } = await jose.jwtVerify(cred.text, jose.createLocalJWKSet(jwks), { typ: 'vc+jwt', algorithms: ['EdDSA'] });
  assert.equal(protectedHeader.alg, 'EdDSA');
  assert.equal(protectedHeader.kid, cert.kid);
  assert.equal(payload.jti, `urn:ujikom:cert:${cert.serial}`);
  assert.equal(payload.iss, `http://127.0.0.1:${port}`);
  assert.ok(payload.vc.type.includes('VerifiableCredential') && payload.vc.type.includes('OpenBadgeCredential'));
  assert.equal(payload.vc.credentialSubject.name, HOLDER);
  assert.equal(payload.vc.credentialSubject.achievement.id, `urn:ujikom:scheme:${exams[0].exam.id}`);
  assert.deepEqual(payload.vc.credentialSubject.achievement.tag, [exams[0].exam.subsector]);
  assert.deepEqual(payload.vc.credentialSubject.achievement.alignment.map((a) => a.targetCode),
    exams[0].exam.units.map((u) => String(u.code)));
  assert.equal(payload.vc.issuer.name, 'LSP Ekonomi Kreatif Uji');
  assert.ok(payload.exp - payload.nbf >= 3 * 365 * 86400);
});

test('the QR token verifies with cbor2 + @noble/curves, and its PDF QR scans to a working URL', async () => {
  const png = await cand.get(`/api/certificates/${cert.serial}/qr.png`);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const png2 = await cand.get(`/api/certificates/${cert.serial}/qr.png`);
  assert.deepEqual(png2.body, png.body, 'cached PNG is the same');
  const svg = await cand.get(`/api/certificates/${cert.serial}/qr.svg`);
  assert.equal(svg.status, 200);
  assert.match(svg.text, /<svg [^>]*viewBox="0 0 \d+ \d+"/);
  assert.ok(svg.text.includes(`<title>${cert.serial}</title>`));

  const pdf = await cand.get(`/api/certificates/${cert.serial}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
  const pdfPath = path.join(work, 'cert.pdf');
  writeFileSync(pdfPath, pdf.body);
  writeFileSync(path.join(work, 'qr.png'), png.body);
  if (has('pdftotext')) {
    const text = spawnSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).stdout;
    assert.ok(text.includes(HOLDER), 'the hostile name is printed literally');
    assert.ok(text.includes('SERTIFIKAT KOMPETENSI') && text.includes('CERTIFICATE OF COMPETENCE'));
    assert.ok(text.includes(cert.serial));
    for (const u of exams[0].exam.units) assert.ok(text.includes(String(u.code)), `unit ${u.code} on the PDF`);
  }
  assert.ok(has('pdftoppm') && has('zbarimg'), 'poppler-utils and zbar-tools are needed');
  const ppm = spawnSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', pdfPath, path.join(work, 'page')]);
  assert.equal(ppm.status, 0);
  const scan = spawnSync('sh', ['-c', `zbarimg --raw -q -Sdisable -Sqrcode.enable ${work}/page*.png`], { encoding: 'utf8' });
  assert.equal(scan.status, 0, scan.stderr);
  qrUrl = scan.stdout.trim();
  assert.match(qrUrl, new RegExp(`^HTTP://127\\.0\\.0\\.1:${port}/V/[A-Z2-7]+$`));
  const token = qrUrl.split('/V/')[1];
  const v = verifyCose(token, jwks);
  assert.ok(v.ok, 'Ed25519 signature over the Sig_structure');
  assert.equal(v.kid, cert.kid);
  assert.equal(v.claims.get(2), HOLDER);
  assert.equal(v.claims.get(3), exams[0].exam.subsector);
  assert.equal(v.claims.get(4), exams[0].exam.id);
  assert.equal(v.claims.get(1).length, 10);

  const page = await fetch(qrUrl);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /ASLI/);
  assert.match(html, /GENUINE/);
  assert.ok(!html.includes('<img src=x'), 'the name is escaped');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; Ayu Ñandini'));
  assert.ok(!/<script(?![^>]*src=)/i.test(html), 'no inline script on the verification page');
  const j = await (await fetch(qrUrl, { headers: { Accept: 'application/json' } })).json();
  assert.equal(j.verdict, 'genuine');
  assert.equal(j.certificate.serial, cert.serial);
  assert.equal(j.certificate.holder, HOLDER);
  assert.equal(j.certificate.units.length, exams[0].exam.units.length, 'transcript from the store');

  // the same through the serial form and the JSON API
  const bySerial = await fetch(`${d.url}/verify?serial=${cert.serial.toLowerCase().replace(/-/g, '')}`);
  assert.match(await bySerial.text(), /ASLI/);
  const api = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: qrUrl }) });
  assert.equal((await api.json()).verdict, 'genuine');
});

test('offline: ujikom verify accepts the JWKS, the token, the URL and the QR image', async () => {
  const jwksPath = path.join(work, 'jwks.json');
  writeFileSync(jwksPath, JSON.stringify(jwks));
  const cred = (await cand.get(`/api/certificates/${cert.serial}/credential`)).text;
  for (const input of [cred, qrUrl, qrUrl.split('/V/')[1], path.join(work, 'qr.png')]) {
    const r = cli(['verify', '--jwks', jwksPath, input]);
    assert.equal(r.status, 0, `${input.slice(0, 40)}: ${r.stdout} ${r.stderr}`);
    assert.match(r.stdout, /GENUINE/);
    assert.ok(r.stdout.includes(cert.serial));
  }
  const bad = cli(['verify', '--jwks', jwksPath, qrUrl.slice(0, -3) + (qrUrl.endsWith('AAA') ? 'BBB' : 'AAA')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /NOT GENUINE/);
  const later = cli(['verify', '--jwks', jwksPath, '--now', String(cert.expires_at + 86400 * 2), cred]);
  assert.equal(later.status, 1);
  assert.match(later.stdout, /EXPIRED/);
  const noKeys = cli(['verify', '--jwks', path.join(work, 'missing.json'), cred]);
  assert.equal(noKeys.status, 2);
});

test('tampering over HTTP is NOT GENUINE, never a server error', async () => {
  const token = qrUrl.split('/V/')[1];
  const cred = (await cand.get(`/api/certificates/${cert.serial}/credential`)).text;
  async function verdictOf(body) {
    const r = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.ok(r.status < 500, `status ${r.status}`);
    if (r.status !== 200) return `http ${r.status}`;
    return (await r.json()).verdict;
  }
  // changed characters of the QR token, via the page
  for (const i of [0, 5, 40, Math.floor(token.length / 2), token.length - 2, token.length - 1]) {
    const t = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    const r = await fetch(`${d.url}/V/${t}`);
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, /TIDAK ASLI/, `character ${i}`);
    assert.match(html, /NOT GENUINE/);
  }
  // truncated and over-long
  assert.match(await (await fetch(`${d.url}/V/${token.slice(0, -8)}`)).text(), /TIDAK ASLI/);
  const long = await fetch(`${d.url}/V/${token}${'A'.repeat(3000)}`);
  assert.ok(long.status < 500, `over-long: ${long.status}`);
  assert.equal(await verdictOf({ token: token + 'A'.repeat(3000) }), 'not_genuine');
  // credential: changed payload byte, swapped kid, alg none, HS256 keyed with the public key
  const [h, p, s] = cred.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  payload.vc.credentialSubject.name = 'Orang Lain';
  const forgedPayload = Buffer.from(JSON.stringify(payload)).toString('base64url');
  assert.equal(await verdictOf({ credential: `${h}.${forgedPayload}.${s}` }), 'not_genuine');
  const swapped = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'AAAAAAAA', typ: 'vc+jwt' })).toString('base64url');
  assert.equal(await verdictOf({ credential: `${swapped}.${p}.${s}` }), 'not_genuine');
  const none = Buffer.from(JSON.stringify({ alg: 'none', kid: cert.kid, typ: 'vc+jwt' })).toString('base64url');
  assert.equal(await verdictOf({ credential: `${none}.${p}.` }), 'not_genuine');
  const hsKey = b64urlDecode(jwks.keys[0].x);
  const hs = await new jose.SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: cert.kid, typ: 'vc+jwt' }).sign(hsKey);
  assert.equal(await verdictOf({ credential: hs }), 'not_genuine');
  assert.equal(await verdictOf({ credential: cred.slice(0, -5) }), 'not_genuine');
  assert.equal(await verdictOf({ credential: `${cred}.AAAA` }), 'not_genuine');
  assert.equal(await verdictOf({ credential: cred + 'A'.repeat(20000) }), 'not_genuine');
  assert.equal(await verdictOf({ credential: cred }), 'genuine');
  assert.equal(await verdictOf({ serial: 'UJK-0000-0000-0000-0000-1' }), 'not_genuine');
  const bad = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"token":1}' });
  assert.equal(bad.status, 400);
});

// The verdict, claims and units shown for a certificate, from the verdict to the units table.
function claimsSection(html) {
  const from = html.indexOf('<section class="verdict');
  const to = html.indexOf('</table>', from);
  assert.ok(from >= 0 && to > from, 'a verdict and a units table');
  return html.slice(from, to);
}

test('a token the service issued is answered from its row exactly as a full verification answers', async () => {
  const token = qrUrl.split('/V/')[1];
  const asJson = async (t) => {
    const r = await fetch(`${d.url}/V/${t}`, { headers: { Accept: 'application/json' } });
    assert.equal(r.status, 200);
    return r.json();
  };
  const asPage = async (t) => claimsSection(await (await fetch(`${d.url}/V/${t}`)).text());
  const fromRow = await asJson(token);
  assert.equal(fromRow.verdict, 'genuine');
  assert.equal(fromRow.certificate.holder, HOLDER);
  assert.equal(fromRow.certificate.issuer, 'LSP Ekonomi Kreatif Uji');
  assert.ok(fromRow.certificate.units.length > 0, 'the units are shown');
  assert.ok(fromRow.certificate.subsector_name && fromRow.certificate.scheme_title);
  // The document of docs/api.md, keys in that order.
  assert.deepEqual(Object.keys(fromRow), ['verdict', 'form', 'verdict_text', 'certificate', 'log']);
  assert.deepEqual(Object.keys(fromRow.certificate), ['serial', 'holder', 'subsector',
    'subsector_name', 'scheme_id', 'scheme_title', 'units', 'issued', 'expires', 'valid_until',
    'issued_at', 'expires_at', 'kid', 'issuer']);
  assert.deepEqual(Object.keys(fromRow.certificate.units[0]), ['code', 'title']);
  // The same signed COSE_Sign1 with a longer (non-canonical) array head, which the signature
  // does not cover, is another text, so it is verified in full, signature and stored
  // credential included: the answers must agree.
  const raw = base32Decode(token);
  assert.equal(raw[1], 0x84, 'a definite array of four');
  const reencoded = base32Encode(new Uint8Array([raw[0], 0x98, 0x04, ...raw.slice(2)]));
  assert.notEqual(reencoded, token);
  assert.deepEqual(await asJson(reencoded), fromRow);
  assert.equal(await asPage(reencoded), await asPage(token));
  assert.deepEqual(await asJson(token.toLowerCase()), fromRow);
  // By serial (answered from the row) as by the credential (verified in full).
  const cred = (await cand.get(`/api/certificates/${cert.serial}/credential`)).text;
  const post = async (body) => (await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
  const byCred = await post({ credential: cred });
  assert.equal(byCred.verdict, 'genuine');
  assert.deepEqual({ ...(await post({ serial: cert.serial })), form: 'credential' }, byCred);
  assert.deepEqual(await post({ token: qrUrl }), fromRow);
  // The display text was stored at issuance and cannot be changed.
  const display = sql(`SELECT display FROM certificates WHERE serial = '${cert.serial}'`);
  assert.ok(display.length > 0);
  const change = dbExec(d.dataDir, `UPDATE certificates SET display = 'x' WHERE serial = '${cert.serial}'`);
  assert.notEqual(change.status, 0);
  assert.match(change.stderr, /immutable/);
  // A certificate without display text (issued before it was stored) is verified the long way,
  // with the same answer; the text may then be stored once.
  const unset = `UPDATE certificates SET display = NULL WHERE serial = '${cert.serial}';`;
  sql({
    sqlite: `DROP TRIGGER certificates_display_once; ${unset}`,
    postgresql: `DROP TRIGGER certificates_display_once ON certificates; ${unset}`,
  });
  try {
    assert.deepEqual(await asJson(token), fromRow);
    assert.deepEqual({ ...(await post({ serial: cert.serial })), form: 'credential' }, byCred);
  } finally {
    const hex = Buffer.from(display).toString('hex');
    sql({
      sqlite: `CREATE TRIGGER certificates_display_once BEFORE UPDATE OF display ON certificates
      WHEN OLD.display IS NOT NULL AND NEW.display IS NOT OLD.display
      BEGIN SELECT RAISE(ABORT, 'certificate content is immutable'); END;
      UPDATE certificates SET display = CAST(x'${hex}' AS TEXT) WHERE serial = '${cert.serial}';`,
      postgresql: `CREATE TRIGGER certificates_display_once BEFORE UPDATE OF display ON certificates
      FOR EACH ROW WHEN (OLD.display IS NOT NULL AND NEW.display IS DISTINCT FROM OLD.display)
      EXECUTE FUNCTION ujikom_refuse('certificate content is immutable');
      UPDATE certificates SET display = convert_from(decode('${hex}', 'hex'), 'UTF8') WHERE serial = '${cert.serial}';`,
    });
  }
  assert.equal(sql(`SELECT display FROM certificates WHERE serial = '${cert.serial}'`), display);
  // A tampered token naming this serial is still NOT GENUINE (its text is not the stored one).
  const forged = base32Encode(new Uint8Array([...raw.slice(0, -1), raw[raw.length - 1] ^ 1]));
  assert.equal((await asJson(forged)).verdict, 'not_genuine');
});

test('twenty concurrent issue requests make exactly one certificate', async () => {
  // Twenty submits (each issues on K) race twenty explicit issue requests.
  const id = await answerAll(cand, exams[1]);
  const submits = Array.from({ length: 20 }, () => cand.post(`/api/attempts/${id}/submit`));
  const issues = Array.from({ length: 20 }, () => cand.post(`/api/attempts/${id}/certificate`));
  const rs = await Promise.all([...submits, ...issues]);
  for (const r of rs.slice(0, 20)) assert.equal(r.status, 200, `submit: ${r.status} ${r.text}`);
  const issued = rs.slice(20).filter((r) => r.status === 200 || r.status === 201);
  // An issue request that ran before the submit committed finds no K yet (409).
  for (const r of rs.slice(20)) assert.ok([200, 201, 409].includes(r.status), `${r.status} ${r.text}`);
  assert.ok(rs.slice(20).filter((r) => r.status === 201).length <= 1, 'at most one request created it');
  assert.ok(new Set(issued.map((r) => r.json.serial)).size <= 1, 'every answer names the same serial');
  const after = await cand.post(`/api/attempts/${id}/certificate`);
  assert.equal(after.status, 200, after.text);
  for (const r of issued) assert.equal(r.json.serial, after.json.serial);
  assert.equal(sql(`SELECT count(*) FROM certificates WHERE attempt_id = ${Number(id)}`), '1');
});

test('revocation needs an admin and a reason, and shows as DICABUT / REVOKED', async () => {
  assert.equal((await cand.post(`/api/certificates/${cert.serial}/revoke`, { reason: 'x' })).status, 403);
  const noReason = await admin.post(`/api/certificates/${cert.serial}/revoke`, {});
  assert.equal(noReason.status, 400);
  assert.equal((await admin.post(`/api/certificates/${cert.serial}/revoke`, { reason: '   ' })).status, 400);
  const ok = await admin.post(`/api/certificates/${cert.serial}/revoke`, { reason: 'Identitas pemegang tidak sesuai' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'revoked');
  assert.equal((await admin.post(`/api/certificates/${cert.serial}/revoke`, { reason: 'lagi' })).status, 409);
  assert.equal((await admin.post('/api/certificates/UJK-0000-0000-0000-0000-0/revoke', { reason: 'x' })).status, 404);
  const html = await (await fetch(qrUrl)).text();
  assert.match(html, /DICABUT/);
  assert.match(html, /REVOKED/);
  assert.ok(html.includes('Identitas pemegang tidak sesuai'));
  const j = await (await fetch(qrUrl, { headers: { Accept: 'application/json' } })).json();
  assert.equal(j.verdict, 'revoked');
  assert.equal(j.revocation.reason, 'Identitas pemegang tidak sesuai');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'certificate.revoke' AND subject = 'certificate:${cert.serial}'`), '1');
});

test('after a key rotation old certificates still verify and new ones carry the new kid', async () => {
  const rot = cli(['keys', 'rotate'], { dataDir: d.dataDir });
  assert.equal(rot.status, 0, rot.stderr);
  const newKid = rot.stdout.trim();
  assert.match(newKid, /^[A-Z2-7]{8}$/);
  assert.notEqual(newKid, firstKid);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'keys.rotate' AND subject = 'key:${newKid}'`), '1');
  const list = cli(['keys', 'list'], { dataDir: d.dataDir });
  assert.match(list.stdout, new RegExp(`\\* ${newKid}`));
  d.proc.kill('SIGHUP');
  let keys;
  for (let i = 0; i < 100; i++) {
    keys = await (await fetch(`${d.url}/.well-known/jwks.json`)).json();
    if (keys.keys.filter((k) => k.kty === 'OKP').length === 2) break;
    await sleep(50);
  }
  assert.deepEqual(keys.keys.filter((k) => k.kty === 'OKP').map((k) => k.kid).sort(), [firstKid, newKid].sort());
  // the certificate issued before the rotation still verifies (second one: the first is revoked)
  const older = (await cand.get('/api/certificates')).json.certificates.find((c) => c.status === 'valid');
  const cred = (await cand.get(`/api/certificates/${older.serial}/credential`)).text;
  await jose.jwtVerify(cred, jose.createLocalJWKSet(keys), { typ: 'vc+jwt' });
  const r = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential: cred }) });
  assert.equal((await r.json()).verdict, 'genuine');
  // a new certificate is signed with the new key
  const id = await passExam(cand, exams[2]);
  const fresh = await cand.post(`/api/attempts/${id}/certificate`);
  assert.equal(fresh.status, 200, fresh.text); // issued at submit
  assert.equal(fresh.json.kid, newKid);
  const cred2 = (await cand.get(`/api/certificates/${fresh.json.serial}/credential`)).text;
  const { protectedHeader } = await jose.jwtVerify(cred2, jose.createLocalJWKSet(keys), { typ: 'vc+jwt' });
  assert.equal(protectedHeader.kid, newKid);
});

test('the verification form works without JavaScript', async () => {
  const page = await fetch(`${d.url}/verify`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<form method="get" action="\/verify"/);
  // A mistyped number (wrong check character) is a typing error, not a forgery.
  const typo = await (await fetch(`${d.url}/verify?serial=${encodeURIComponent('UJK-0000-0000-0000-0000-1')}`)).text();
  assert.match(typo, /Nomor tidak valid — periksa ketikan/);
  assert.match(typo, /Not a valid number — check what you typed/);
  assert.doesNotMatch(typo, /TIDAK ASLI/);
  const revoked = await (await fetch(`${d.url}/verify?serial=${cert.serial}`)).text();
  assert.match(revoked, /DICABUT/);
});

test('the certificate list pages by serial through a second of many issuances, and the admin page finds any certificate', async () => {
  // 250 certificates issued in one second (copies of the first one's row, revoked so that
  // its attempt may carry them), as a decision day issues them.
  const copy = (series, serialOf) =>
    'INSERT INTO certificates(serial, attempt_id, user_id, holder, subsector, exam_id, issued_at, ' +
    'expires_at, kid, status, revoked_at, revoked_reason, qr_token, units, jws) ' +
    `SELECT ${serialOf}, attempt_id, user_id, 'Salinan ' || i, subsector, exam_id, 1790000000, ` +
    "expires_at, kid, 'revoked', 1790000000000, 'uji', 'x', units, 'x' " +
    `FROM certificates, ${series} WHERE serial = '${cert.serial}'`;
  const r = dbExec(d.dataDir, {
    sqlite: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250) " +
      copy('n', "printf('UJK-P%020d', i)"),
    postgresql: copy('generate_series(1, 250) AS i', "'UJK-P' || lpad(i::text, 20, '0')"),
  });
  assert.equal(r.status, 0, r.stderr);
  const total = Number(sql('SELECT count(*) FROM certificates'));

  // Pages of 100 with the serial cursor: every certificate once; the last page has no cursor.
  const seen = [];
  let after = null;
  for (let pages = 0; pages < 10; pages++) {
    const page = await admin.get(`/api/certificates?limit=100${after ? `&after=${after}` : ''}`);
    assert.equal(page.status, 200, page.text);
    seen.push(...page.json.certificates.map((c) => c.serial));
    after = page.json.next_after;
    if (after === null) break;
    assert.equal(page.json.certificates.length, 100);
  }
  assert.equal(after, null);
  assert.equal(seen.length, total);
  assert.equal(new Set(seen).size, total, 'no certificate twice');
  // The second cursor reaches past the second only: the copies' second has more than a page.
  const bySecond = await admin.get('/api/certificates?limit=100&before=1790000001');
  assert.equal(bySecond.json.certificates.length, 100);
  const next = await admin.get('/api/certificates?limit=100&before=1790000000');
  assert.ok(!next.json.certificates.some((c) => c.serial.startsWith('UJK-P')), 'the rest of that second is skipped by before=');
  // Filters: part of the holder's name, a status; bad values are 400.
  const found = await admin.get('/api/certificates?q=salinan%20249');
  assert.deepEqual(found.json.certificates.map((c) => c.holder), ['Salinan 249']);
  const valid = await admin.get('/api/certificates?status=valid&limit=999');
  assert.ok(valid.json.certificates.every((c) => c.status === 'valid'));
  for (const bad of ['after=%27%20OR%201', 'after=ujk-p00000000000000000001', 'status=gone', 'limit=1001', `q=${'x'.repeat(101)}`]) {
    const b = await admin.get(`/api/certificates?${bad}`);
    assert.equal(b.status, 400, bad);
    assert.equal(b.json.error, 'invalid_field', bad);
  }
  // A candidate's list is theirs alone, whatever the filters say (the copies are the first
  // holder's).
  const stranger = await candidateClient(d, 'Rudi Hartono');
  assert.equal((await stranger.get('/api/certificates?q=salinan')).json.certificates.length, 0);
  assert.equal((await cand.get('/api/certificates?q=salinan&limit=999')).json.certificates.length, 250);

  // The admin page: 50 a page with a link to the next, and a search that finds an old one.
  const adminPage = await admin.get('/admin');
  const certRows = (html) => [...html.matchAll(/<a href="\/verify\?serial=(UJK-[^"]+)">/g)].map((m) => m[1]);
  assert.equal(certRows(adminPage.text).length, 50);
  const link = adminPage.text.match(/<a rel="next" href="(\/admin\?cafter=[^"]+)"/);
  assert.ok(link, 'a next page of certificates');
  const second = await admin.get(link[1].replaceAll('&amp;', '&'));
  assert.equal(second.status, 200);
  assert.ok(certRows(second.text).every((s) => !certRows(adminPage.text).includes(s)));
  const search = await admin.get('/admin?cq=Salinan+7&cstatus=revoked#s-certs');
  assert.deepEqual(certRows(search.text).sort(),
    ['UJK-P00000000000000000007', 'UJK-P00000000000000000070', 'UJK-P00000000000000000071',
      'UJK-P00000000000000000072', 'UJK-P00000000000000000073', 'UJK-P00000000000000000074',
      'UJK-P00000000000000000075', 'UJK-P00000000000000000076', 'UJK-P00000000000000000077',
      'UJK-P00000000000000000078', 'UJK-P00000000000000000079']);
  assert.equal((await admin.get('/admin?cstatus=gone')).status, 400);
  assert.equal((await admin.get('/admin?cafter=%27%20OR%201')).status, 400);
});
