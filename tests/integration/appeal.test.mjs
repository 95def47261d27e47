// Appeals (banding) end to end: a BK decision is appealed by its candidate, an admin assigns
// the appeal to a second assessor (never the first), whose decision stands; and the refusals
// around it (twice, someone else's attempt, undecided, after the appeal period).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import { startDaemon, stopClean, adminClient, candidateClient } from './lib/daemon.mjs';
import { assessorClient, sql } from './lib/reliability.mjs';
import { makeExamsDir, finishedAttempt, FULL_MARKS, LOW_MARKS } from './lib/reviews.mjs';

let d;
let examsDir;
let admin;
let asesor1;
let asesor2;

before(async () => {
  examsDir = makeExamsDir();
  // One day to appeal, so the "too late" case only needs the decision moved two days back.
  d = await startDaemon({ examsDir, args: ['--appeal-days', '1'] });
  admin = await adminClient(d);
  asesor1 = await assessorClient(d, 'Asesor Pertama');
  asesor2 = await assessorClient(d, 'Asesor Kedua');
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (examsDir) rmSync(examsDir, { recursive: true, force: true });
});

async function decidedBK(cand, assessor) {
  const id = await finishedAttempt(cand);
  assert.equal((await assessor.post(`/api/reviews/${id}/claim`, {})).status, 200);
  const dec = await assessor.post(`/api/reviews/${id}/decision`, {
    items: LOW_MARKS, overall: 'BK', feedback: 'Perdalam hierarki visual.',
  });
  assert.equal(dec.status, 200, dec.text);
  return id;
}

async function userId(client) {
  const me = await client.get('/api/auth/me');
  assert.equal(me.status, 200, me.text);
  return me.json.user ? me.json.user.id : me.json.id;
}

test('an appeal decided by a second assessor replaces the first decision', async () => {
  const cand = await candidateClient(d, 'Sari Wulandari');
  const id = await decidedBK(cand, asesor1);

  const noReason = await cand.post(`/api/attempts/${id}/appeal`, {});
  assert.equal(noReason.status, 400, noReason.text);
  const stranger = await candidateClient(d, 'Orang Lain');
  const notMine = await stranger.post(`/api/attempts/${id}/appeal`, { reason: 'Saya keberatan.' });
  assert.equal(notMine.status, 404, notMine.text);

  const ap = await cand.post(`/api/attempts/${id}/appeal`, {
    reason: 'Jawaban esai saya sudah memberi contoh poster acara.',
  });
  assert.equal(ap.status, 201, ap.text);
  const appeal = ap.json.appeal;
  assert.equal(appeal.status, 'open');
  assert.equal(appeal.attempt_id, id);
  const first = await userId(asesor1);
  const second = await userId(asesor2);
  assert.equal(appeal.original_assessor_id, first);

  const twice = await cand.post(`/api/attempts/${id}/appeal`, { reason: 'Sekali lagi.' });
  assert.equal(twice.status, 409, twice.text);
  assert.equal(twice.json.error, 'already_appealed');

  const list = await admin.get('/api/admin/appeals?status=open');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.some((a) => a.id === appeal.id));

  // Paged by id: after this appeal nothing is open; a cursor that is not an id is refused.
  const later = await admin.get(`/api/admin/appeals?status=open&after=${appeal.id}`);
  assert.equal(later.status, 200, later.text);
  assert.ok(!later.json.items.some((x) => x.id === appeal.id));
  assert.equal(later.json.next_after, null);
  assert.equal(list.json.next_after, null);
  assert.equal((await admin.get('/api/admin/appeals?after=satu')).status, 400);

  // The original assessor, a candidate and a missing account are refused.
  const same = await admin.post(`/api/admin/appeals/${appeal.id}/assign`, { assessor_id: first });
  assert.equal(same.status, 400, same.text);
  assert.equal(same.json.error, 'same_assessor');
  const candId = await userId(cand);
  const notAssessor = await admin.post(`/api/admin/appeals/${appeal.id}/assign`, { assessor_id: candId });
  assert.equal(notAssessor.status, 400, notAssessor.text);
  assert.equal(notAssessor.json.error, 'not_an_assessor');
  const bad = await admin.post(`/api/admin/appeals/${appeal.id}/assign`, { assessor_id: 'dua' });
  assert.equal(bad.status, 400, bad.text);
  const missing = await admin.post('/api/admin/appeals/99999999/assign', { assessor_id: second });
  assert.equal(missing.status, 404, missing.text);
  const byAssessor = await asesor2.post(`/api/admin/appeals/${appeal.id}/assign`, { assessor_id: second });
  assert.equal(byAssessor.status, 403, byAssessor.text);

  const assign = await admin.post(`/api/admin/appeals/${appeal.id}/assign`, { assessor_id: second });
  assert.equal(assign.status, 200, assign.text);
  assert.equal(assign.json.appeal.status, 'assigned');
  assert.equal(assign.json.appeal.assessor_id, second);

  // Only the assigned assessor sees it in the queue and may decide.
  const q1 = await asesor1.get('/api/reviews/queue');
  assert.ok(!q1.json.items.some((e) => e.appeal_id === appeal.id));
  const q2 = await asesor2.get('/api/reviews/queue');
  assert.ok(q2.json.items.some((e) => e.appeal_id === appeal.id && e.attempt_id === id), q2.text);
  const wrong = await asesor1.post(`/api/reviews/${id}/decision`, { items: FULL_MARKS, overall: 'K' });
  assert.equal(wrong.status, 403, wrong.text);
  assert.equal(wrong.json.error, 'appeal_assigned_elsewhere');

  const dec = await asesor2.post(`/api/reviews/${id}/decision`, {
    items: FULL_MARKS, overall: 'K', feedback: 'Contoh poster memenuhi kriteria.',
  });
  assert.equal(dec.status, 200, dec.text);
  assert.equal(dec.json.decision.kind, 'appeal');
  assert.equal(dec.json.decision.previous_verdict, 'BK');
  const res = await cand.get(`/api/attempts/${id}/result`);
  assert.equal(res.json.verdict, 'K', res.text);

  const sheet = await admin.get(`/api/reviews/${id}`);
  assert.deepEqual(sheet.json.decisions.map((x) => [x.kind, x.overall, x.decided_by]),
    [['assessor', 'BK', first], ['appeal', 'K', second]]);
  assert.equal(sheet.json.appeal.status, 'decided');

  const after = await admin.post(`/api/admin/appeals/${appeal.id}/assign`, { assessor_id: second });
  assert.equal(after.status, 409, after.text);
  assert.equal(after.json.error, 'appeal_decided');
  const again = await asesor2.post(`/api/reviews/${id}/decision`, { items: FULL_MARKS, overall: 'K' });
  assert.equal(again.status, 409, again.text);

  const audit = await admin.get(`/api/admin/audit?subject=attempt:${id}`);
  const actions = audit.json.items.map((e) => e.action).reverse();
  assert.deepEqual(actions.filter((a) => a.startsWith('appeal.') || a.startsWith('review.')),
    ['review.decision', 'appeal.create', 'appeal.assign', 'appeal.decision']);
  const v = await admin.get('/api/admin/audit/verify');
  assert.equal(v.json.intact, true, v.text);
});

test('appeals of undecided attempts and after the appeal period are refused with 409', async () => {
  const cand = await candidateClient(d, 'Yusuf Hidayat');
  const pending = await finishedAttempt(cand);
  const early = await cand.post(`/api/attempts/${pending}/appeal`, { reason: 'Belum dinilai.' });
  assert.equal(early.status, 409, early.text);
  assert.equal(early.json.error, 'not_decided');

  const cand2 = await candidateClient(d, 'Lina Marlina');
  const id = await decidedBK(cand2, asesor1);
  // Two days pass (the daemon was started with --appeal-days 1).
  sql(d.dataDir, `UPDATE review_decisions SET decided_at = decided_at - 2 * 86400000 WHERE attempt_id = ${id}`);
  const late = await cand2.post(`/api/attempts/${id}/appeal`, { reason: 'Terlambat.' });
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error, 'appeal_period_over');
  const none = await admin.get('/api/admin/appeals');
  assert.ok(!none.json.items.some((a) => a.attempt_id === id), 'nothing was stored');
});

test('the admin page lists every appeal still to be decided, 50 a page', async () => {
  const cand = await candidateClient(d, 'Nadia Banding');
  const id = await decidedBK(cand, asesor1);
  // 60 more decided attempts of the same candidate, each with an open appeal (copies).
  const copies = (series) =>
    'INSERT INTO attempts(user_id, exam_id, exam_version, form, status, started_at, deadline_at, ' +
    'finished_at, verdict, result, decided_at) SELECT user_id, exam_id, exam_version, form, status, ' +
    `started_at, deadline_at, finished_at, verdict, result, decided_at FROM attempts, ${series} WHERE id = ${id}`;
  sql(d.dataDir, {
    sqlite: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) ${copies('n')}`,
    postgresql: copies('generate_series(1, 60) AS i'),
  });
  sql(d.dataDir, 'INSERT INTO appeals(attempt_id, candidate_id, reason, created_at) ' +
    `SELECT a.id, a.user_id, 'Mohon ditinjau ulang.', a.finished_at FROM attempts a WHERE a.user_id = ` +
    `(SELECT user_id FROM attempts WHERE id = ${id}) AND a.id <> ${id}`);
  const cards = (html) => [...html.matchAll(/<div class="card appeal" id="appeal-(\d+)"/g)].map((m) => Number(m[1]));
  const first = await admin.get('/admin');
  assert.equal(first.status, 200);
  assert.equal(cards(first.text).length, 50);
  const link = first.text.match(/<a rel="next" href="(\/admin\?pafter=\d+#s-appeals)"/);
  assert.ok(link, 'a link to the next page of appeals');
  const second = await admin.get(link[1]);
  const rest = cards(second.text);
  assert.ok(rest.length >= 10, `${rest.length} on the second page`);
  assert.ok(rest.every((a) => !cards(first.text).includes(a)), 'the second page goes on');
  const undecided = Number(sql(d.dataDir, "SELECT count(*) AS n FROM appeals WHERE status <> 'decided'")[0].n);
  assert.equal(cards(first.text).length + rest.length, undecided);
  assert.doesNotMatch(second.text, /rel="next" href="\/admin\?pafter=/, 'no third page');
});
