// Correcting a name (the data subject's right to rectification, UU 27/2022): an administrator
// corrects a candidate's mistyped name with what it was checked against; the name passes the
// registration rules (NFC, no control or bidirectional characters, 200 characters), the
// change is audited with the old and new name and the reason, the candidate's next request
// sees it (the session cache is not stale), a certificate issued before keeps its signed name,
// and revoking it and issuing again gives a new certificate with the corrected name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import {
  startDaemon, stopClean, adminClient, candidateClient, tmpDir, dropDatabase,
} from './lib/daemon.mjs';
import { objectiveExamsDir, certify } from './lib/certify.mjs';

const EXAM_ID = 'DKV-UJI-NAMA';
const dataDir = tmpDir('ujikom-rename-');
const examsDir = objectiveExamsDir(EXAM_ID);
let d;
let admin;

before(async () => {
  d = await startDaemon({ dataDir, examsDir });
  admin = await adminClient(d);
});

after(async () => {
  if (d && !d.exited()) await stopClean(d);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(examsDir, { recursive: true, force: true });
  dropDatabase(dataDir);
});

const REASON = 'KTP ditunjukkan di TUK Bandung, 3 Desember 2026';

test('an administrator corrects a mistyped name; the change is on record and seen at once', async () => {
  const cand = await candidateClient(d, 'Siti Nurhalizha');
  const id = (await cand.get('/api/auth/me')).json.user.id;
  assert.equal((await cand.get('/api/auth/me')).json.user.name, 'Siti Nurhalizha');
  const serial = await certify(cand, EXAM_ID);

  // Refused: no reason, a bad name, no such account, not an admin.
  const noReason = await admin.post(`/api/admin/users/${id}/name`, { name: 'Siti Nurhaliza' });
  assert.equal(noReason.status, 400, noReason.text);
  assert.equal(noReason.json.error, 'reason_required');
  const bidi = await admin.post(`/api/admin/users/${id}/name`, { name: 'Siti \u202ENurhaliza', reason: REASON });
  assert.equal(bidi.status, 400, bidi.text);
  assert.equal(bidi.json.error, 'invalid_field');
  assert.match(bidi.json.detail, /^name: /);
  assert.equal((await admin.post('/api/admin/users/999999/name', { name: 'Siti Nurhaliza', reason: REASON })).status, 404);
  assert.equal((await cand.post(`/api/admin/users/${id}/name`, { name: 'Siti', reason: REASON })).status, 403);
  assert.equal((await cand.get('/api/auth/me')).json.user.name, 'Siti Nurhalizha', 'nothing changed by the refusals');

  // Corrected, typed decomposed (NFD): stored and answered in NFC.
  const ok = await admin.post(`/api/admin/users/${id}/name`, { name: 'Siti Nurhaliza Ru\u0301hiyat', reason: REASON });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { user: { id, name: 'Siti Nurhaliza R\u00FAhiyat' }, changed: true });
  assert.equal((await cand.get('/api/auth/me')).json.user.name, 'Siti Nurhaliza R\u00FAhiyat',
    'the candidate\'s session reads the new name at once');
  const again = await admin.post(`/api/admin/users/${id}/name`, { name: 'Siti Nurhaliza R\u00FAhiyat', reason: REASON });
  assert.equal(again.status, 200);
  assert.equal(again.json.changed, false);

  // One audit entry, with both names and the reason.
  const audit = await admin.get('/api/admin/audit?action=user.rename');
  const entries = audit.json.items.filter((e) => e.subject === `user:${id}`);
  assert.equal(entries.length, 1, JSON.stringify(audit.json.items));
  assert.deepEqual(entries[0].before, { name: 'Siti Nurhalizha' });
  assert.deepEqual(entries[0].after, { name: 'Siti Nurhaliza R\u00FAhiyat', reason: REASON });

  // The certificate issued before keeps the name it was signed with; revoked and issued
  // again, the new one carries the corrected name and names the one it replaces.
  const old = await cand.get(`/api/certificates/${serial}`);
  assert.equal(old.json.holder ?? old.json.certificate?.holder, 'Siti Nurhalizha');
  const revoked = await admin.post(`/api/certificates/${serial}/revoke`, { reason: 'Nama pemegang diperbaiki' });
  assert.equal(revoked.status, 200, revoked.text);
  const list = await cand.get('/api/attempts');
  const attempt = list.json.attempts.find((a) => a.exam_id === EXAM_ID);
  const reissued = await cand.post(`/api/attempts/${attempt.id}/certificate`);
  assert.ok(reissued.status === 201 || reissued.status === 200, reissued.text);
  assert.notEqual(reissued.json.serial, serial);
  const fresh = await cand.get(`/api/certificates/${reissued.json.serial}`);
  const cert = fresh.json.certificate ?? fresh.json;
  assert.equal(cert.holder, 'Siti Nurhaliza R\u00FAhiyat');
  assert.equal(cert.replaces, serial);
});
