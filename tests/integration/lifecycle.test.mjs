// The certificate follows the decision, in the decision's own transaction: an admin change
// or an appeal away from K revokes the attempt's certificate (one audit entry, one log
// entry, the same transaction time as the decision); K again issues a new certificate (new
// serial) that names the one it replaces. Suspension and reinstatement (admin, reason,
// audited). A revoked or suspended certificate's credential and PDF are refused. The
// published Bitstring Status Lists are checked with an independent implementation
// (@digitalbazaar/vc-bitstring-status-list for the bits, jose for the JWS signature), and the
// offline verifier reads them (`ujikom verify --status-list`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';

import { startDaemon, stopClean, adminClient, candidateClient, cli, tmpDir } from './lib/daemon.mjs';
import { assessorClient, sql, haveSqliteCli, eventually } from './lib/reliability.mjs';
import { makeExamsDir, finishedAttempt, FULL_MARKS, LOW_MARKS } from './lib/reviews.mjs';

let d;
let examsDir;
let work;
let admin;
let asesor1;
let asesor2;
let jwks;

before(async () => {
  examsDir = makeExamsDir();
  work = tmpDir('ujikom-lifecycle-');
  // No --listen/--public-url: the daemon's public URL is where it listens (d.url), which the
  // credentials' status list URLs name.
  d = await startDaemon({ examsDir });
  admin = await adminClient(d);
  asesor1 = await assessorClient(d, 'Asesor Pertama');
  asesor2 = await assessorClient(d, 'Asesor Kedua');
  jwks = (await admin.get('/.well-known/jwks.json')).json;
  writeFileSync(path.join(work, 'jwks.json'), JSON.stringify(jwks));
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (examsDir) rmSync(examsDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

// A candidate's attempt decided K by asesor1: { cand, id, serial }.
async function certified(name) {
  const cand = await candidateClient(d, name);
  const id = await finishedAttempt(cand);
  assert.equal((await asesor1.post(`/api/reviews/${id}/claim`, {})).status, 200);
  const dec = await asesor1.post(`/api/reviews/${id}/decision`, { items: FULL_MARKS, overall: 'K', feedback: 'Bagus.' });
  assert.equal(dec.status, 200, dec.text);
  assert.match(String(dec.json.certificate_serial), /^UJK-/, dec.text);
  return { cand, id, serial: dec.json.certificate_serial };
}

async function adminChange(id, overall, reason) {
  const r = await admin.post(`/api/admin/attempts/${id}/decision`, {
    units: { 'U.ESS.002': { outcome: overall, reason } }, overall, reason,
  });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function auditActions(subject) {
  const a = await admin.get(`/api/admin/audit?subject=${encodeURIComponent(subject)}`);
  assert.equal(a.status, 200, a.text);
  return a.json.items.map((e) => e.action);
}

// The size of the transparency log's latest checkpoint, or null when the log is not served.
async function logSize() {
  const r = await fetch(`${d.url}/log/checkpoint`);
  if (r.status === 404) return null;
  assert.equal(r.status, 200);
  return Number((await r.text()).split('\n')[1]);
}

// The log grew by exactly n entries since `before` (a checkpoint may be signed lazily: wait
// for it, then check it did not grow further). Nothing to check where the log is not served.
async function expectLogGrowth(before, n, what) {
  if (before === null) return;
  const size = await eventually(async () => ((await logSize()) >= before + n ? logSize() : 0), 5_000);
  assert.equal(size, before + n, what);
}

// The published status list of purpose, its JWS checked with jose against the JWKS and its
// bits decoded by @digitalbazaar/vc-bitstring-status-list: { credential, list, jws }.
async function statusList(purpose) {
  const r = await fetch(`${d.url}/status/${purpose}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/vc\+jwt/);
  assert.match(r.headers.get('cache-control'), /max-age=\d+/);
  const jws = await r.text();
  const { payload, protectedHeader } = await jose.compactVerify(jws, jose.createLocalJWKSet(jwks));
  assert.equal(protectedHeader.alg, 'EdDSA');
  const credential = JSON.parse(new TextDecoder().decode(payload));
  assert.deepEqual(credential.type, ['VerifiableCredential', 'BitstringStatusListCredential']);
  assert.equal(credential.id, `${d.url}/status/${purpose}`);
  assert.equal(credential.credentialSubject.statusPurpose, purpose);
  const list = await decodeList({ encodedList: credential.credentialSubject.encodedList });
  assert.ok(list.length >= 131072, `list of ${list.length} entries`);
  return { credential, list, jws };
}

// 1 when the certificate was revoked at the very clock reading of the attempt's latest
// decision: both were written by one transaction (its time is read once).
function revokedWithDecision(id, serial) {
  const rows = sql(d.dataDir,
    `SELECT (c.revoked_at = (SELECT max(decided_at) FROM review_decisions WHERE attempt_id = ${id})) ` +
    `AS same FROM certificates c WHERE c.serial = '${serial}'`);
  return rows[0].same;
}

// The certificate's credential (its holder may fetch it while it is valid), decoded.
async function credentialOf(client, serial) {
  const r = await client.get(`/api/certificates/${serial}/credential`);
  assert.equal(r.status, 200, r.text);
  const { payload } = await jose.compactVerify(r.text, jose.createLocalJWKSet(jwks));
  return { jwt: r.text, claims: JSON.parse(new TextDecoder().decode(payload)) };
}

test('K → BK by an admin revokes in the decision\'s transaction; K again issues a new certificate naming the old one', async () => {
  const { cand, id, serial } = await certified('Rina Wulandari');
  const { jwt, claims } = await credentialOf(cand, serial);
  const status = claims.vc.credentialStatus;
  assert.equal(status.length, 2);
  assert.deepEqual(status.map((s) => [s.type, s.statusPurpose]),
    [['BitstringStatusListEntry', 'revocation'], ['BitstringStatusListEntry', 'suspension']]);
  assert.equal(status[0].statusListCredential, `${d.url}/status/revocation`);
  assert.equal(status[1].statusListCredential, `${d.url}/status/suspension`);
  assert.equal(status[0].statusListIndex, status[1].statusListIndex);
  const index = Number(status[0].statusListIndex);
  assert.ok(Number.isInteger(index) && index >= 0 && index < 131072);
  assert.equal((await admin.get(`/api/certificates/${serial}`)).json.status_list_index, index);
  assert.equal((await statusList('revocation')).list.getStatus(index), false);

  const logBefore = await logSize();
  const changed = await adminChange(id, 'BK', 'Kecurangan ditemukan saat verifikasi portofolio.');
  assert.equal(changed.certificate_revoked, serial);
  assert.ok(!changed.certificate_serial, 'no certificate with a BK');

  const c = await admin.get(`/api/certificates/${serial}`);
  assert.equal(c.json.status, 'revoked');
  assert.match(c.json.revoked_reason, /BK/);
  assert.match(c.json.revoked_reason, /Kecurangan ditemukan/);
  // One revocation entry in the audit, one in the log.
  const actions = await auditActions(`certificate:${serial}`);
  assert.deepEqual(actions.filter((a) => a === 'certificate.revoke'), ['certificate.revoke']);
  await expectLogGrowth(logBefore, 1, 'one log entry for the revocation');
  if (haveSqliteCli()) {
    // The revocation and the decision were written by one transaction: same clock reading.
    assert.equal(revokedWithDecision(id, serial), 1, 'revoked in the decision\'s transaction');
  }

  // Revoked: not handed out as if valid; the status list says so.
  const cred = await cand.get(`/api/certificates/${serial}/credential`);
  assert.equal(cred.status, 409, cred.text);
  assert.equal(cred.json.error, 'cert_not_valid');
  assert.match(cred.json.message, /revoked/);
  const pdf = await cand.get(`/api/certificates/${serial}/pdf`);
  assert.equal(pdf.status, 409, pdf.text);
  const rev = await statusList('revocation');
  assert.equal(rev.list.getStatus(index), true, 'revocation bit set');
  assert.equal((await statusList('suspension')).list.getStatus(index), false);
  const verdict = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential: jwt }) });
  const vj = await verdict.json();
  assert.equal(vj.verdict, 'revoked', JSON.stringify(vj));

  // Offline: the list fetched from the route makes `ujikom verify` say REVOKED.
  const listFile = path.join(work, 'revocation.jwt');
  writeFileSync(listFile, rev.jws);
  const jwksPath = path.join(work, 'jwks.json');
  const off = cli(['verify', '--jwks', jwksPath, '--status-list', listFile, jwt]);
  assert.equal(off.status, 1, off.stdout + off.stderr);
  assert.match(off.stdout, /DICABUT \/ REVOKED/);
  const viaUrl = cli(['verify', '--jwks', jwksPath, '--status-list', `${d.url}/status/revocation`,
    '--status-list', `${d.url}/status/suspension`, jwt]);
  assert.equal(viaUrl.status, 1, viaUrl.stdout + viaUrl.stderr);
  assert.match(viaUrl.stdout, /Status \(revocation\): +DICABUT \/ REVOKED/);
  assert.match(viaUrl.stdout, /Status \(suspension\): +tidak dibekukan \/ not suspended/);
  const unchecked = cli(['verify', '--jwks', jwksPath, jwt]);
  assert.equal(unchecked.status, 0, unchecked.stdout);
  assert.match(unchecked.stdout, /not checked - no status list given/);
  // A list signed with the right key but for another URL is not the list the credential
  // names, and is refused (so is an altered signature).
  const kid = JSON.parse(Buffer.from(rev.jws.split('.')[0], 'base64url')).kid;
  const signer = await jose.importPKCS8(readFileSync(path.join(d.dataDir, 'keys', `${kid}.pem`), 'utf8'), 'EdDSA');
  const elsewhere = { ...rev.credential, id: 'https://elsewhere.example/status/revocation' };
  const otherJws = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(elsewhere)))
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'vc+jwt' }).sign(signer);
  const otherFile = path.join(work, 'elsewhere.jwt');
  writeFileSync(otherFile, otherJws);
  const other = cli(['verify', '--jwks', jwksPath, '--status-list', otherFile, jwt]);
  assert.equal(other.status, 1, other.stdout);
  assert.match(other.stdout, /not the one the certificate names/);
  // Only the suspension list: revocation is said to be unchecked, not passed as fine.
  const suspFile = path.join(work, 'suspension.jwt');
  writeFileSync(suspFile, (await statusList('suspension')).jws);
  const onlySusp = cli(['verify', '--jwks', jwksPath, '--status-list', suspFile, jwt]);
  assert.match(onlySusp.stdout, /Status \(revocation\): +tidak diperiksa - tidak ada daftar status untuk ini \/ not checked/);
  assert.match(onlySusp.stdout, /Status \(suspension\): +tidak dibekukan/);
  const tampered = path.join(work, 'tampered.jwt');
  const parts = rev.jws.split('.');
  // One changed character early in the signature (its last characters carry few bits).
  const flipped = (parts[2][0] === 'A' ? 'B' : 'A') + parts[2].slice(1);
  writeFileSync(tampered, `${parts[0]}.${parts[1]}.${flipped}`);
  const bad = cli(['verify', '--jwks', jwksPath, '--status-list', tampered, jwt]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /signature does not verify/);

  // A retake is not refused as already competent (the verdict is BK now).
  const retake = await cand.post('/api/exams/DKV-UJI-REVIEW/attempts', {});
  assert.notEqual(retake.json?.error, 'already_competent', retake.text);

  // K again: a new certificate, new serial, that names the revoked one; genuine.
  const logBeforeK = await logSize();
  const back = await adminChange(id, 'K', 'Banding diterima: portofolio asli dibuktikan.');
  await expectLogGrowth(logBeforeK, 1, 'one log entry for the new certificate');
  const fresh = back.certificate_serial;
  assert.match(String(fresh), /^UJK-/, JSON.stringify(back));
  assert.notEqual(fresh, serial);
  assert.equal(back.certificate_replaces, serial);
  const f = await admin.get(`/api/certificates/${fresh}`);
  assert.equal(f.json.status, 'valid');
  assert.equal(f.json.replaces, serial);
  const freshCred = await credentialOf(cand, fresh);
  assert.equal(freshCred.claims.vc.replaces, `urn:ujikom:cert:${serial}`);
  assert.notEqual(freshCred.claims.vc.credentialStatus[0].statusListIndex, String(index));
  const v2 = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential: freshCred.jwt }) });
  assert.equal((await v2.json()).verdict, 'genuine');
  const issueAudit = await auditActions(`certificate:${fresh}`);
  assert.deepEqual(issueAudit, ['certificate.issue']);
  // Re-issuing gives the new certificate, never the revoked one.
  const again = await cand.post(`/api/attempts/${id}/certificate`, {});
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.serial, fresh);
  assert.equal(again.json.created, false);
  // The old one stays revoked: its revocation bit never clears.
  assert.equal((await statusList('revocation')).list.getStatus(index), true);
  const offNew = cli(['verify', '--jwks', jwksPath, '--status-list', listFile, freshCred.jwt]);
  assert.match(offNew.stdout, /Menggantikan \/ Replaces: +UJK-/);
});

test('an appeal decided away from K revokes the certificate in the same transaction', async () => {
  const { cand, id, serial } = await certified('Dewi Lestari');
  const logBefore = await logSize();
  const ap = await cand.post(`/api/attempts/${id}/appeal`, { reason: 'Mohon penilaian ulang unit esai.' });
  assert.equal(ap.status, 201, ap.text);
  const me2 = await asesor2.get('/api/auth/me');
  const second = me2.json.user ? me2.json.user.id : me2.json.id;
  const assign = await admin.post(`/api/admin/appeals/${ap.json.appeal.id}/assign`, { assessor_id: second });
  assert.equal(assign.status, 200, assign.text);
  const dec = await asesor2.post(`/api/reviews/${id}/decision`, {
    items: LOW_MARKS, overall: 'BK', feedback: 'Contoh tidak memadai setelah ditinjau ulang.',
  });
  assert.equal(dec.status, 200, dec.text);
  assert.equal(dec.json.decision.kind, 'appeal');
  assert.equal(dec.json.certificate_revoked, serial);
  const c = await admin.get(`/api/certificates/${serial}`);
  assert.equal(c.json.status, 'revoked');
  assert.match(c.json.revoked_reason, /appeal/);
  const actions = await auditActions(`certificate:${serial}`);
  assert.equal(actions.filter((a) => a === 'certificate.revoke').length, 1);
  await expectLogGrowth(logBefore, 1, 'one log entry for the revocation');
  if (haveSqliteCli()) {
    assert.equal(revokedWithDecision(id, serial), 1, 'revoked in the appeal decision\'s transaction');
  }
});

test('suspend and reinstate: admin only, reason required, audited, reflected in the suspension list', async () => {
  const { cand, serial } = await certified('Ayu Pratiwi');
  const { jwt, claims } = await credentialOf(cand, serial);
  const index = Number(claims.vc.credentialStatus[1].statusListIndex);

  assert.equal((await cand.post(`/api/certificates/${serial}/suspend`, { reason: 'x' })).status, 403);
  const noReason = await admin.post(`/api/certificates/${serial}/suspend`, { reason: '   ' });
  assert.equal(noReason.status, 400, noReason.text);
  assert.equal(noReason.json.error, 'cert_reason_required');
  const notSusp = await admin.post(`/api/certificates/${serial}/reinstate`, { reason: 'Pulihkan.' });
  assert.equal(notSusp.status, 409, notSusp.text);
  assert.equal(notSusp.json.error, 'cert_not_suspended');
  const missing = await admin.post('/api/certificates/UJK-0000-0000-0000-0000-0/suspend', { reason: 'x' });
  assert.equal(missing.status, 404, missing.text);

  const s = await admin.post(`/api/certificates/${serial}/suspend`, { reason: 'Pembekuan: pemeriksaan surveilans.' });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.status, 'suspended');
  assert.match(s.json.suspended_reason, /surveilans/);
  const twice = await admin.post(`/api/certificates/${serial}/suspend`, { reason: 'Lagi.' });
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error, 'cert_suspended_already');
  assert.equal((await statusList('suspension')).list.getStatus(index), true, 'suspension bit set');
  assert.equal((await statusList('revocation')).list.getStatus(index), false);
  const cred = await cand.get(`/api/certificates/${serial}/credential`);
  assert.equal(cred.status, 409);
  assert.match(cred.json.message, /suspended/);
  assert.equal((await cand.get(`/api/certificates/${serial}/pdf`)).status, 409);
  const v = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential: jwt }) });
  assert.equal((await v.json()).verdict, 'suspended', 'a suspended certificate is not genuine online');
  const susp = await statusList('suspension');
  const file = path.join(work, 'suspension-now.jwt');
  writeFileSync(file, susp.jws);
  const off = cli(['verify', '--jwks', path.join(work, 'jwks.json'), '--status-list', file, jwt]);
  assert.equal(off.status, 1, off.stdout);
  assert.match(off.stdout, /DIBEKUKAN \/ SUSPENDED/);

  const r = await admin.post(`/api/certificates/${serial}/reinstate`, { reason: 'Surveilans selesai, memenuhi syarat.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'valid');
  assert.equal((await statusList('suspension')).list.getStatus(index), false, 'suspension bit back to 0');
  assert.equal((await cand.get(`/api/certificates/${serial}/credential`)).status, 200);
  assert.equal((await cand.get(`/api/certificates/${serial}/pdf`)).status, 200);

  // Suspended, then revoked: final.
  assert.equal((await admin.post(`/api/certificates/${serial}/suspend`, { reason: 'Dibekukan lagi.' })).status, 200);
  const revoke = await admin.post(`/api/certificates/${serial}/revoke`, { reason: 'Dicabut setelah pembekuan.' });
  assert.equal(revoke.status, 200, revoke.text);
  assert.equal(revoke.json.status, 'revoked');
  for (const verb of ['suspend', 'reinstate', 'revoke']) {
    const after = await admin.post(`/api/certificates/${serial}/${verb}`, { reason: 'Tidak bisa.' });
    assert.equal(after.status, 409, `${verb}: ${after.text}`);
    assert.equal(after.json.error, 'cert_revoked_already');
  }
  assert.equal((await statusList('revocation')).list.getStatus(index), true);
  assert.equal((await statusList('suspension')).list.getStatus(index), false);

  const actions = await auditActions(`certificate:${serial}`);
  assert.deepEqual([...actions].reverse(), ['certificate.issue', 'certificate.suspend',
    'certificate.reinstate', 'certificate.suspend', 'certificate.revoke']);
});

test('the status list is signed once per change: cached between changes, re-signed after one', async () => {
  const a = await statusList('revocation');
  const b = await statusList('revocation');
  assert.equal(a.jws, b.jws, 'unchanged statuses give the same signed list');
  const { serial } = await certified('Budi Santoso');
  const index = (await admin.get(`/api/certificates/${serial}`)).json.status_list_index;
  assert.equal((await admin.post(`/api/certificates/${serial}/revoke`, { reason: 'Data keliru.' })).status, 200);
  const c = await statusList('revocation');
  assert.notEqual(c.jws, a.jws);
  assert.equal(c.list.getStatus(index), true);
});

test('a QR token has no status entry, and the verifier says so', async () => {
  const { cand, serial } = await certified('Nur Hidayah');
  const qr = await cand.get(`/api/certificates/${serial}/qr.svg`);
  assert.equal(qr.status, 200);
  const token = (await admin.get(`/api/certificates/${serial}`)).json;
  assert.equal(token.status, 'valid');
  const { claims } = await credentialOf(cand, serial);
  assert.ok(claims.vc.credentialStatus);
  // The QR URL is in the page the holder sees; read it from the store's token through the CLI.
  if (!haveSqliteCli()) return;
  const qrToken = sql(d.dataDir, `SELECT qr_token FROM certificates WHERE serial = '${serial}'`)[0].qr_token;
  const r = cli(['verify', '--jwks', path.join(work, 'jwks.json'), '--status-list',
    `${d.url}/status/revocation`, qrToken]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /a QR token carries no status entry/);
});

test('audit chain intact after every lifecycle change', async () => {
  const v = await admin.get('/api/admin/audit/verify');
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.intact, true, v.text);
});

// A register that has given every index of the first list (131,072: the Bitstring Status
// List's minimum length) goes on issuing: the new certificate's index lies in a list twice
// as long, which the published lists become, and which the independent decoder and the
// offline verifier read. The first list is filled beside the service (revoked rows with
// every free index), as years of issuance would fill it.
test('a full first status list: issuance goes on, into lists twice as long', async () => {
  if (!haveSqliteCli()) return;
  const first = 131072;
  const { serial: some } = await certified('Ayu Lestari');
  const fill = (series, serialOf) =>
    'INSERT INTO certificates(serial, attempt_id, user_id, holder, subsector, exam_id, issued_at, ' +
    'expires_at, kid, status, revoked_at, revoked_reason, qr_token, units, jws, status_index) ' +
    `SELECT ${serialOf}, c.attempt_id, c.user_id, 'Uji Coba', c.subsector, c.exam_id, 1700000000, ` +
    "1800000000, 'ABCDEFGH', 'revoked', 1700000000000, 'uji', 'x', '[]', 'x', i " +
    `FROM ${series}, certificates c WHERE c.serial = '${some}' AND i NOT IN ` +
    '(SELECT status_index FROM certificates WHERE status_index IS NOT NULL)';
  sql(d.dataDir, {
    sqlite: `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${first - 1}) ` +
      fill('n', "printf('UJK-T%020d', i)"),
    postgresql: fill(`generate_series(0, ${first - 1}) AS i`, "'UJK-T' || lpad(i::text, 20, '0')"),
  });
  const { cand, serial } = await certified('Dewi Kartika');
  const { jwt, claims } = await credentialOf(cand, serial);
  const index = Number(claims.vc.credentialStatus[0].statusListIndex);
  assert.ok(index >= first && index < 2 * first, `index ${index}`);
  assert.equal((await admin.get(`/api/certificates/${serial}`)).json.status_list_index, index);
  const before = await statusList('revocation');
  assert.equal(before.list.length, 2 * first);
  assert.equal(before.list.getStatus(index), false);
  assert.equal(before.list.getStatus(first - 1) || before.list.getStatus(first - 2), true);
  assert.equal((await admin.post(`/api/certificates/${serial}/revoke`, { reason: 'Data keliru.' })).status, 200);
  const after = await statusList('revocation');
  assert.equal(after.list.length, 2 * first);
  assert.equal(after.list.getStatus(index), true);
  const listFile = path.join(work, 'revocation-grown.jwt');
  writeFileSync(listFile, after.jws);
  const off = cli(['verify', '--jwks', path.join(work, 'jwks.json'), '--status-list', listFile, jwt]);
  assert.equal(off.status, 1, off.stdout + off.stderr);
  assert.match(off.stdout, /DICABUT \/ REVOKED/);
});
