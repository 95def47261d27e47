// What happens to handed-in files after they arrive: the candidate removes a file from an
// answer or an application while it is still theirs to change (audited), not after; the
// periodic sweep drops uploads abandoned for --upload-abandon-hours with their chunks, and
// deletes files no item, application or observation references any more, while a file still
// attached anywhere (the same content handed in twice) is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import {
  candidateClient, startDaemon, stopClean, dropDatabase, Client, PASSWORD, adminClient,
} from './lib/daemon.mjs';
import { reviewDaemon, makeExamsDir, REVIEW_EXAM_ID } from './lib/reviews.mjs';
import { sql } from './lib/reliability.mjs';
import {
  EVID_EXAM, TINY_JPEG, png, sha256, createUpload, putChunk, uploadFile,
  evidenceAttempt, uploadApplicationFile, reviewApplication,
} from './lib/evidence.mjs';

let ctx;

before(async () => {
  ctx = await reviewDaemon({ 'dkv-uji-bukti.exam.yaml': EVID_EXAM });
});

after(async () => {
  if (ctx) await ctx.stop();
});

const APPLICATION = reviewApplication({ full_name: 'Wulan Sari', nik: '3372014104960002' });

test('a file is removed from an answer until the attempt is submitted, and audited', async () => {
  const cand = await candidateClient(ctx.d, 'Ayu Lestari');
  const other = await candidateClient(ctx.d, 'Budi Santoso');
  const id = await evidenceAttempt(cand);
  const keep = png(30, 20);
  for (const [bytes, name] of [[TINY_JPEG, 'salah.jpg'], [keep, 'poster.png']]) {
    const up = await uploadFile(cand, id, 'EV-1', bytes, name);
    assert.equal(up.complete.status, 200, up.complete.text);
  }
  const url = (b) => `/api/attempts/${id}/answers/EV-1/files/${sha256(b)}`;
  // not theirs, not there, not a hash: 404, nothing changes
  assert.equal((await other.del(url(TINY_JPEG))).status, 404);
  assert.equal((await cand.del(`/api/attempts/${id}/answers/EV-2/files/${sha256(TINY_JPEG)}`)).status, 404);
  assert.equal((await cand.del(`/api/attempts/${id}/answers/EV-1/files/${sha256(png(9, 9))}`)).status, 404);
  assert.equal((await cand.del(`/api/attempts/${id}/answers/EV-1/files/xyz`)).status, 404);
  assert.equal((await cand.get(`/api/attempts/${id}/evidence/${sha256(TINY_JPEG)}`)).status, 200);

  const r = await cand.del(url(TINY_JPEG));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.removed, sha256(TINY_JPEG));
  // the answer lists only the file left; the removed one is no longer served
  const sheet = await cand.get(`/api/attempts/${id}`);
  const text = JSON.stringify(sheet.json);
  assert.ok(!text.includes(sha256(TINY_JPEG)), 'the answer no longer names the removed file');
  assert.ok(text.includes(sha256(keep)));
  assert.equal((await cand.get(`/api/attempts/${id}/evidence/${sha256(TINY_JPEG)}`)).status, 404);
  assert.equal((await cand.del(url(TINY_JPEG))).status, 404, 'removed once');
  // a slot is free again: the same content may be handed in again
  const again = await uploadFile(cand, id, 'EV-1', TINY_JPEG, 'benar.jpg');
  assert.equal(again.complete.status, 200, again.complete.text);

  const audit = await ctx.admin.get('/api/admin/audit?action=evidence.remove');
  assert.equal(audit.status, 200, audit.text);
  const entry = audit.json.items.find((e) => e.subject === `attempt:${id}`);
  assert.ok(entry, 'the removal is audited');
  assert.equal(entry.after.sha256, sha256(TINY_JPEG));
  assert.equal(entry.after.item, 'EV-1');
  assert.equal(entry.after.name, 'salah.jpg');

  // once submitted the answer is final: no removal
  const sub = await cand.post(`/api/attempts/${id}/submit`, {});
  assert.equal(sub.status, 200, sub.text);
  const late = await cand.del(url(keep));
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error, 'attempt_closed');
  assert.equal((await cand.get(`/api/attempts/${id}/evidence/${sha256(keep)}`)).status, 200, 'kept');
});

test('a supporting document is removed from an application until it is found eligible', async () => {
  const cand = await candidateClient(ctx.d, 'Wulan Sari');
  const sent = await cand.post(`/api/exams/${REVIEW_EXAM_ID}/application`, APPLICATION);
  assert.equal(sent.status, 201, sent.text);
  const appId = sent.json.application.id;
  const a = await uploadApplicationFile(cand, REVIEW_EXAM_ID, TINY_JPEG, 'ktp.jpg');
  assert.equal(a.complete.status, 200, a.complete.text);
  const b = await uploadApplicationFile(cand, REVIEW_EXAM_ID, png(12, 12), 'ijazah.png');
  assert.equal(b.complete.status, 200, b.complete.text);
  const del = (bytes) => cand.del(`/api/exams/${REVIEW_EXAM_ID}/application/files/${sha256(bytes)}`);

  const other = await candidateClient(ctx.d, 'Joko Susanto');
  assert.equal((await other.del(`/api/exams/${REVIEW_EXAM_ID}/application/files/${sha256(TINY_JPEG)}`)).status, 404);
  const r = await del(TINY_JPEG);
  assert.equal(r.status, 200, r.text);
  const own = await cand.get(`/api/exams/${REVIEW_EXAM_ID}/application`);
  assert.deepEqual(own.json.application.files.map((f) => f.name), ['ijazah.png']);
  assert.equal((await ctx.admin.get(`/api/applications/${appId}/files/${sha256(TINY_JPEG)}`)).status, 404);
  const audit = await ctx.admin.get('/api/admin/audit?action=application.file_remove');
  assert.ok(audit.json.items.some((e) => e.subject === `application:${appId}` && e.after.sha256 === sha256(TINY_JPEG)));

  const ok = await ctx.admin.post(`/api/applications/${appId}/decision`,
    { outcome: 'eligible', reason: 'Dokumen lengkap.' });
  assert.equal(ok.status, 200, ok.text);
  const late = await del(png(12, 12));
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error, 'application_locked');
  assert.equal((await cand.get(`/api/exams/${REVIEW_EXAM_ID}/application`)).json.application.files.length, 1);
});

test('the sweep drops abandoned uploads and files nobody references, and keeps the rest', async () => {
  const examsDir = makeExamsDir({ 'dkv-uji-bukti.exam.yaml': EVID_EXAM });
  let d = await startDaemon({ examsDir, args: ['--upload-abandon-hours', '2'] });
  const dataDir = d.dataDir;
  try {
    const cand = await candidateClient(d, 'Made Wirawan');
    const id = await evidenceAttempt(cand);
    // a file removed (unreferenced), and one removed from this item but attached to another
    // attempt's answer (still referenced)
    const gone = png(40, 30);
    assert.equal((await uploadFile(cand, id, 'EV-1', gone, 'hapus.png')).complete.status, 200);
    const shared = png(50, 30);
    assert.equal((await uploadFile(cand, id, 'EV-1', shared, 'bersama.png')).complete.status, 200);
    const cand2 = await candidateClient(d, 'Nyoman Sari');
    const id2 = await evidenceAttempt(cand2);
    assert.equal((await uploadFile(cand2, id2, 'EV-1', shared, 'punya-saya.png')).complete.status, 200);
    for (const f of [gone, shared]) {
      assert.equal((await cand.del(`/api/attempts/${id}/answers/EV-1/files/${sha256(f)}`)).status, 200);
    }
    // an upload left half-way long ago, and one left half-way just now
    const bytes = png(200, 100, { noise: true });
    const stale = await createUpload(cand, id, 'EV-1', bytes, 'lama.png');
    assert.equal((await putChunk(cand, stale.json.id, bytes, 0, 1000)).status, 200);
    const fresh = await createUpload(cand, id, 'EV-1', png(10, 10), 'baru.png');
    assert.equal((await putChunk(cand, fresh.json.id, png(10, 10), 0, 20)).status, 200);
    assert.equal(sql(dataDir, `SELECT count(*) AS n FROM evidence_chunks WHERE upload_id = '${stale.json.id}'`)[0].n, 1);
    await stopClean(d);
    // three hours pass for the stale upload only
    sql(dataDir, `UPDATE evidence_uploads SET updated_at = updated_at - ${3 * 3600 * 1000} WHERE id = '${stale.json.id}'`);
    d = await startDaemon({ examsDir, dataDir, args: ['--upload-abandon-hours', '2'] }); // sweeps on start

    const c = new Client(d.url);
    assert.equal((await c.login(cand.email, PASSWORD)).status, 200);
    const s = await c.get(`/api/uploads/${stale.json.id}`);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.state, 'refused');
    assert.equal(s.json.reason, 'abandoned');
    assert.equal(sql(dataDir, `SELECT count(*) AS n FROM evidence_chunks WHERE upload_id = '${stale.json.id}'`)[0].n, 0);
    const put = await putChunk(c, stale.json.id, bytes, 1000, 2000);
    assert.equal(put.status, 409, put.text);
    assert.equal(put.json.error, 'upload_done');
    // the fresh one goes on
    const f = await c.get(`/api/uploads/${fresh.json.id}`);
    assert.equal(f.json.state, 'open');
    assert.equal(f.json.offset, 20);
    // the unreferenced file is gone with its bytes; the shared one stays, still served
    assert.equal(sql(dataDir, `SELECT count(*) AS n FROM evidence_files WHERE sha256 = '${sha256(gone)}'`)[0].n, 0);
    assert.equal(sql(dataDir, `SELECT count(*) AS n FROM evidence_previews WHERE sha256 = '${sha256(gone)}'`)[0].n, 0);
    const holder = sql(dataDir, `SELECT id FROM evidence_uploads WHERE sha256 = '${sha256(gone)}'`)[0].id;
    assert.equal(sql(dataDir, `SELECT count(*) AS n FROM evidence_chunks WHERE upload_id = '${holder}'`)[0].n, 0);
    assert.equal(sql(dataDir, `SELECT count(*) AS n FROM evidence_files WHERE sha256 = '${sha256(shared)}'`)[0].n, 1);
    const c2 = new Client(d.url);
    assert.equal((await c2.login(cand2.email, PASSWORD)).status, 200);
    const got = await c2.get(`/api/attempts/${id2}/evidence/${sha256(shared)}`);
    assert.equal(got.status, 200);
    assert.equal(sha256(got.body), sha256(shared));
    // the same content handed in again after its purge is stored afresh
    const back = await uploadFile(c, id, 'EV-1', gone, 'lagi.png');
    assert.equal(back.complete.status, 200, back.complete.text);
    const served = await c.get(`/api/attempts/${id}/evidence/${sha256(gone)}`);
    assert.equal(sha256(served.body), sha256(gone));
    // an administrator's audit trail is intact after the sweep
    const admin = await adminClient(d);
    assert.equal((await admin.get('/api/admin/audit/verify')).json.intact, true);
  } finally {
    await stopClean(d);
    dropDatabase(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(examsDir, { recursive: true, force: true });
  }
});
