// Reviews end to end against the real daemon: a small exam with one objective unit and one
// unit scored by rubric. Covers the K path, the BK path with feedback, concurrent claims,
// own attempts, bad marks, overrides without a reason, the admin change with a reason, and
// that every decision leaves a verifiable audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import { startDaemon, stopClean, adminClient, candidateClient, cli } from './lib/daemon.mjs';
import { assessorClient, sql } from './lib/reliability.mjs';
import {
  REVIEW_EXAM, REVIEW_EXAM_ID, makeExamsDir, finishedAttempt, FULL_MARKS, LOW_MARKS,
} from './lib/reviews.mjs';

// The review exam again in another subsector (fesyen), for the queue's subsector filter.
const FSN_EXAM_ID = 'FSN-UJI-REVIEW';
const FSN_EXAM = REVIEW_EXAM.replace(`id: ${REVIEW_EXAM_ID}`, `id: ${FSN_EXAM_ID}`)
  .replace('subsector: DKV', 'subsector: FSN').replace('title: Uji Tinjauan Asesor', 'title: Uji Tinjauan Fesyen');

let d;
let examsDir;
let admin;
let asesor1;
let asesor2;

before(async () => {
  examsDir = makeExamsDir({ 'fsn-uji-review.exam.yaml': FSN_EXAM });
  d = await startDaemon({ examsDir });
  admin = await adminClient(d);
  asesor1 = await assessorClient(d, 'Asesor Satu');
  asesor2 = await assessorClient(d, 'Asesor Dua');
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (examsDir) rmSync(examsDir, { recursive: true, force: true });
});

test('the K path: queue, claim, review sheet, decision, candidate sees the result', async () => {
  const cand = await candidateClient(d, 'Rina Kartika');
  const id = await finishedAttempt(cand);

  const q = await asesor1.get(`/api/reviews/queue?exam=${REVIEW_EXAM_ID}`);
  assert.equal(q.status, 200, q.text);
  assert.ok(q.json.items.some((e) => e.attempt_id === id), 'attempt is in the queue');
  const other = await asesor1.get('/api/reviews/queue?subsector=FSN');
  assert.ok(!other.json.items.some((e) => e.attempt_id === id), 'subsector filter applies');

  // Deciding without a claim is refused.
  const early = await asesor1.post(`/api/reviews/${id}/decision`, { items: FULL_MARKS, overall: 'K' });
  assert.equal(early.status, 409, early.text);
  assert.equal(early.json.error, 'not_claimed');

  const c = await asesor1.post(`/api/reviews/${id}/claim`, {});
  assert.equal(c.status, 200, c.text);
  assert.ok(Date.parse(c.json.claim.expires_at) > Date.now(), c.text);

  const sheet = await asesor1.get(`/api/reviews/${id}`);
  assert.equal(sheet.status, 200, sheet.text);
  const items = sheet.json.units.flatMap((u) => u.items);
  const obj = items.find((i) => i.id === 'OBJ-1');
  assert.deepEqual(obj.key, ['a'], 'the key is beside the answer');
  assert.equal(obj.answer, 'a');
  const ess = items.find((i) => i.id === 'ESS-1');
  assert.equal(ess.open, true);
  assert.deepEqual(ess.rubric.map((r) => [r.id, r.max_points]), [['R1', 4], ['R2', 2]]);
  assert.match(ess.answer, /Hierarki visual/);
  assert.equal(sheet.json.units.find((u) => u.code === 'U.OBJ.001').automatic, 'K');

  // Candidates cannot see review sheets.
  const nosy = await cand.get(`/api/reviews/${id}`);
  assert.equal(nosy.status, 403, nosy.text);

  const dec = await asesor1.post(`/api/reviews/${id}/decision`, {
    items: FULL_MARKS, overall: 'K', feedback: 'Bagus.',
  });
  assert.equal(dec.status, 200, dec.text);
  assert.equal(dec.json.decision.overall, 'K');
  assert.equal(dec.json.decision.previous_verdict, 'PENDING');
  assert.equal(dec.json.decision.units['U.ESS.002'].outcome, 'K');
  // K issues the certificate in the same request (idempotent with the certificate route).
  assert.match(String(dec.json.certificate_serial), /^[A-Z0-9-]{8,}$/, dec.text);

  const res = await cand.get(`/api/attempts/${id}/result`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.verdict, 'K', res.text);

  // Decided attempts leave the queue and cannot be decided again by the first route.
  const q2 = await asesor2.get('/api/reviews/queue');
  assert.ok(!q2.json.items.some((e) => e.attempt_id === id));
  const again = await asesor1.post(`/api/reviews/${id}/claim`, {});
  assert.equal(again.status, 409);
  assert.equal(again.json.error, 'not_awaiting_review');

  const audit = await admin.get(`/api/admin/audit?subject=attempt:${id}`);
  assert.equal(audit.status, 200, audit.text);
  const entry = audit.json.items.find((e) => e.action === 'review.decision');
  assert.ok(entry, 'decision audited');
  assert.equal(entry.before.verdict, 'PENDING');
  assert.equal(entry.after.verdict, 'K');
});

test('the BK path needs feedback, and the candidate receives it', async () => {
  const cand = await candidateClient(d, 'Bayu Pratama');
  const id = await finishedAttempt(cand);
  assert.equal((await asesor2.post(`/api/reviews/${id}/claim`, {})).status, 200);
  const noFeedback = await asesor2.post(`/api/reviews/${id}/decision`, { items: LOW_MARKS, overall: 'BK' });
  assert.equal(noFeedback.status, 400, noFeedback.text);
  // Overall K with a BK unit is inconsistent.
  const wrongOverall = await asesor2.post(`/api/reviews/${id}/decision`, { items: LOW_MARKS, overall: 'K' });
  assert.equal(wrongOverall.status, 400, wrongOverall.text);
  const dec = await asesor2.post(`/api/reviews/${id}/decision`, {
    items: LOW_MARKS,
    overall: 'BK',
    feedback: 'Belum kompeten — pelajari hierarki visual dan beri contoh.',
  });
  assert.equal(dec.status, 200, dec.text);
  assert.equal(dec.json.decision.units['U.ESS.002'].outcome, 'BK');
  assert.equal(dec.json.decision.units['U.ESS.002'].automatic, 'BK');
  const res = await cand.get(`/api/attempts/${id}/result`);
  assert.equal(res.json.verdict, 'BK', res.text);
  // The candidate reads the assessor's feedback and comments (never keys or points).
  const fb = await cand.get(`/api/attempts/${id}/feedback`);
  assert.equal(fb.status, 200, fb.text);
  assert.match(fb.json.feedback, /hierarki visual/);
  assert.equal(fb.json.comments['ESS-1'], 'Kurang contoh.');
  assert.equal(fb.json.units['U.ESS.002'].outcome, 'BK');
  assert.ok(Date.parse(fb.json.appeal_until) > Date.now());
  assert.ok(!fb.text.includes('criteria'), 'rubric points stay with the assessors');
  const stranger = await candidateClient(d, 'Bukan Pemilik');
  assert.equal((await stranger.get(`/api/attempts/${id}/feedback`)).status, 404);
});

test('two assessors claiming at once: exactly one 200, the other 409', async () => {
  const cand = await candidateClient(d, 'Dewi Lestari');
  const id = await finishedAttempt(cand);
  const [a, b] = await Promise.all([
    asesor1.post(`/api/reviews/${id}/claim`, {}),
    asesor2.post(`/api/reviews/${id}/claim`, {}),
  ]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [200, 409], `${a.text} / ${b.text}`);
  const loser = a.status === 409 ? a : b;
  assert.equal(loser.json.error, 'claim_held');
  const winner = a.status === 200 ? asesor1 : asesor2;
  const other = a.status === 200 ? asesor2 : asesor1;
  // The loser cannot decide; the winner can renew the claim.
  const stolen = await other.post(`/api/reviews/${id}/decision`, { items: FULL_MARKS, overall: 'K' });
  assert.equal(stolen.status, 409, stolen.text);
  assert.equal((await winner.post(`/api/reviews/${id}/claim`, {})).status, 200);
  // A lapsed claim (the assessor went away) can be taken over; the old holder then cannot
  // decide any more.
  sql(d.dataDir, `UPDATE review_claims SET claimed_at = claimed_at - 7200000, expires_at = ${Date.now() - 1000} WHERE attempt_id = ${id}`);
  const takeover = await other.post(`/api/reviews/${id}/claim`, {});
  assert.equal(takeover.status, 200, takeover.text);
  const late = await winner.post(`/api/reviews/${id}/decision`, { items: FULL_MARKS, overall: 'K' });
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error, 'not_claimed');
  const ok = await other.post(`/api/reviews/${id}/decision`, { items: FULL_MARKS, overall: 'K' });
  assert.equal(ok.status, 200, ok.text);
});

test('an assessor cannot review their own attempt', async () => {
  // A candidate finishes an attempt and is later made an assessor (role changed directly in
  // the database, as an LSP promoting a certified practitioner would through its records).
  const cand = await candidateClient(d, 'Agus Salim');
  const id = await finishedAttempt(cand);
  sql(d.dataDir, `UPDATE users SET role = 'assessor' WHERE email = '${cand.email}'`);
  const r = await cand.post(`/api/reviews/${id}/claim`, {});
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error, 'own_attempt');
  const sheet = await cand.get(`/api/reviews/${id}`);
  assert.equal(sheet.status, 403, sheet.text);
  const q = await cand.get('/api/reviews/queue');
  assert.equal(q.status, 200, q.text);
  assert.ok(!q.json.items.some((e) => e.attempt_id === id), 'own attempt not in the queue');
});

test('bad inputs are refused with a clear 400 and change nothing', async () => {
  const cand = await candidateClient(d, 'Putri Ayu');
  const id = await finishedAttempt(cand);
  const tooEarly = await cand.get(`/api/attempts/${id}/feedback`);
  assert.equal(tooEarly.status, 409, tooEarly.text);
  assert.equal((await asesor1.post(`/api/reviews/${id}/claim`, {})).status, 200);
  const cases = [
    [{ items: { 'ESS-1': { criteria: { R1: 5, R2: 2 } } }, overall: 'K' }, 'bad_marks', 'points above max'],
    [{ items: { 'ESS-1': { criteria: { R1: 4 } } }, overall: 'K' }, 'bad_marks', 'criterion missing'],
    [{ items: { 'ESS-1': { criteria: { R1: 4, R2: 2, R9: 1 } } }, overall: 'K' }, 'bad_marks', 'unknown criterion'],
    [{ items: { 'ESS-1': { criteria: { R1: -1, R2: 2 } } }, overall: 'K' }, 'bad_marks', 'negative points'],
    [{ items: { 'ESS-1': { criteria: { R1: 2.5, R2: 2 } } }, overall: 'K' }, 'bad_marks', 'fractional points'],
    [{ items: { 'OBJ-1': { criteria: { R1: 1 } }, ...FULL_MARKS }, overall: 'K' }, 'bad_marks', 'objective item marked'],
    [{ items: {}, overall: 'K' }, 'bad_marks', 'open item unmarked'],
    [{ items: FULL_MARKS }, 'invalid_field', 'overall missing'],
    [{ items: FULL_MARKS, overall: 'LULUS' }, 'invalid_field', 'overall not K/BK'],
    [{ items: FULL_MARKS, units: { 'U.ESS.002': { outcome: 'BK' } }, overall: 'BK', feedback: 'x' },
      'reason_required', 'override without reason'],
    [{ items: FULL_MARKS, units: { 'NOPE': { outcome: 'K' } }, overall: 'K' }, 'invalid_field', 'unknown unit'],
    [{ items: FULL_MARKS, units: { 'U.ESS.002': { outcome: 'MAYBE' } }, overall: 'K' }, 'invalid_field', 'bad outcome'],
    [{ items: 'all good', overall: 'K' }, 'bad_marks', 'items not an object'],
  ];
  for (const [body, error, what] of cases) {
    const r = await asesor1.post(`/api/reviews/${id}/decision`, body);
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.equal(r.json.error, error, `${what}: ${r.text}`);
  }
  const notJson = await asesor1.req('POST', `/api/reviews/${id}/decision`, '[1,2', {
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(notJson.status, 400, notJson.text);
  const sheet = await asesor1.get(`/api/reviews/${id}`);
  assert.equal(sheet.json.attempt.verdict, 'PENDING', 'nothing was decided');
  assert.equal(sheet.json.decisions.length, 0);

  // An override with a reason is accepted and recorded with who and why.
  const ok = await asesor1.post(`/api/reviews/${id}/decision`, {
    items: FULL_MARKS,
    units: { 'U.ESS.002': { outcome: 'BK', reason: 'Jawaban disalin dari sumber lain.' } },
    overall: 'BK',
    feedback: 'Tulis dengan kata-kata sendiri.',
  });
  assert.equal(ok.status, 200, ok.text);
  const u = ok.json.decision.units['U.ESS.002'];
  assert.deepEqual([u.outcome, u.automatic], ['BK', 'K']);
  assert.match(u.reason, /disalin/);

  for (const p of ['/api/reviews/abc/claim', '/api/reviews/0/claim', '/api/reviews/99999999/claim']) {
    const r = await asesor1.post(p, {});
    assert.equal(r.status, 404, `${p}: ${r.text}`);
  }
});

test('an admin changes a decided attempt only with a reason; the previous decision stays', async () => {
  const cand = await candidateClient(d, 'Made Wirawan');
  const id = await finishedAttempt(cand);
  assert.equal((await asesor1.post(`/api/reviews/${id}/claim`, {})).status, 200);
  assert.equal((await asesor1.post(`/api/reviews/${id}/decision`, {
    items: LOW_MARKS, overall: 'BK', feedback: 'Perlu latihan.',
  })).status, 200);

  const noReason = await admin.post(`/api/admin/attempts/${id}/decision`, {
    units: { 'U.ESS.002': { outcome: 'K' } }, overall: 'K',
  });
  assert.equal(noReason.status, 400, noReason.text);
  assert.equal(noReason.json.error, 'reason_required');
  const asAssessor = await asesor1.post(`/api/admin/attempts/${id}/decision`, {
    units: { 'U.ESS.002': { outcome: 'K' } }, overall: 'K', reason: 'x',
  });
  assert.equal(asAssessor.status, 403);

  const change = await admin.post(`/api/admin/attempts/${id}/decision`, {
    units: { 'U.ESS.002': { outcome: 'K' } },
    overall: 'K',
    reason: 'Banding lisan diterima; bukti portofolio tambahan diperiksa.',
  });
  assert.equal(change.status, 200, change.text);
  assert.equal(change.json.decision.kind, 'admin');
  assert.equal(change.json.decision.previous_verdict, 'BK');

  const sheet = await admin.get(`/api/reviews/${id}`);
  assert.equal(sheet.status, 200, sheet.text);
  assert.deepEqual(sheet.json.decisions.map((x) => [x.kind, x.overall]), [['assessor', 'BK'], ['admin', 'K']]);
  assert.match(sheet.json.decisions[1].reason, /portofolio/);
  assert.equal((await cand.get(`/api/attempts/${id}/result`)).json.verdict, 'K');

  const open = await admin.post('/api/admin/attempts/99999999/decision', { overall: 'K', reason: 'x' });
  assert.equal(open.status, 404, open.text);
});

test('audit verify passes over everything done above', async () => {
  const v = await admin.get('/api/admin/audit/verify');
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.intact, true, v.text);
  assert.ok(v.json.entries >= 6, v.text);
  const r = cli(['audit', 'verify'], { dataDir: d.dataDir });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /intact/);
});


test('the queue past its first thousand entries: filters and pages reach every entry', async () => {
  const cand = await candidateClient(d, 'Sari Antrean');
  const real = await finishedAttempt(cand);
  // 1,100 attempts awaiting review that were finished before it (copies of its row).
  const copy = (series) =>
    'INSERT INTO attempts(user_id, exam_id, exam_version, form, status, started_at, deadline_at, ' +
    'finished_at, verdict, result) SELECT user_id, exam_id, exam_version, form, status, ' +
    `finished_at - 600000 - i, deadline_at, finished_at - 300000 - i, verdict, result FROM attempts, ${series} ` +
    `WHERE id = ${real}`;
  sql(d.dataDir, {
    sqlite: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100) ${copy('n')}`,
    postgresql: copy('generate_series(1, 1100) AS i'),
  });
  const fsn = await finishedAttempt(await candidateClient(d, 'Lina Busana'), { exam: FSN_EXAM_ID });

  // A filter finds what lies past the first thousand (oldest) entries.
  const bySub = await asesor1.get('/api/reviews/queue?subsector=FSN');
  assert.equal(bySub.status, 200, bySub.text);
  assert.deepEqual(bySub.json.items.map((e) => e.attempt_id), [fsn]);
  assert.equal(bySub.json.next_after, null);
  assert.equal((await asesor2.post(`/api/reviews/${real}/claim`, {})).status, 200);
  const mine = await asesor2.get('/api/reviews/queue?state=mine');
  assert.deepEqual(mine.json.items.map((e) => e.attempt_id), [real]);
  const minePage = await asesor2.get('/review?state=mine');
  assert.equal(minePage.status, 200);
  assert.match(minePage.text, new RegExp(`href="/review/${real}"`));

  // Paging lists every entry once, oldest first, 200 at a time; the last page has no cursor.
  const seen = [];
  let after = null;
  let pages = 0;
  do {
    const q = await asesor1.get(`/api/reviews/queue?exam=${REVIEW_EXAM_ID}${after ? `&after=${after}` : ''}`);
    assert.equal(q.status, 200, q.text);
    assert.ok(q.json.items.length <= 200);
    assert.ok(q.json.next_after === null || q.json.items.length === 200, q.text.slice(0, 200));
    for (let i = 1; i < q.json.items.length; i++) {
      assert.ok(Date.parse(q.json.items[i - 1].since) <= Date.parse(q.json.items[i].since), 'oldest first');
    }
    seen.push(...q.json.items.map((e) => e.attempt_id));
    after = q.json.next_after;
    pages++;
  } while (after !== null && pages < 20);
  assert.equal(new Set(seen).size, seen.length, 'no entry twice');
  assert.ok(seen.includes(real));
  assert.ok(!seen.includes(fsn));
  const waiting = sql(d.dataDir,
    `SELECT count(*) AS n FROM attempts WHERE verdict = 'PENDING' AND exam_id = '${REVIEW_EXAM_ID}'`)[0].n;
  assert.equal(seen.length, Number(waiting));
  assert.ok(seen.length > 1100);

  // The page links its next page, keeping the filters.
  const first = await asesor1.get(`/review?exam=${REVIEW_EXAM_ID}`);
  const next = first.text.match(/<a rel="next" href="([^"]+)"/);
  assert.ok(next, 'a next-page link');
  const href = next[1].replaceAll('&amp;', '&');
  assert.match(href, new RegExp(`^/review\\?exam=${REVIEW_EXAM_ID}&after=\\d+-\\d+$`));
  const second = await asesor1.get(href);
  assert.equal(second.status, 200);
  const ids = (t) => [...t.matchAll(/href="\/review\/(\d+)"/g)].map((m) => Number(m[1]));
  assert.equal(ids(second.text).length, 200);
  assert.ok(ids(second.text).every((id) => !ids(first.text).includes(id)), 'the next page goes on');

  // Marking one question reaches every answer, not only the first page's: all but the attempt
  // asesor2 holds, the last one reached from the one before it.
  const progress = (t) => {
    const m = t.match(/Jawaban (\d+) dari (\d+)/);
    assert.ok(m, 'the marking progress');
    return [Number(m[1]), Number(m[2])];
  };
  const markable = seen.filter((id) => id !== real);
  const firstMark = await asesor1.get(`/marking/${REVIEW_EXAM_ID}/ESS-1`);
  assert.equal(firstMark.status, 200);
  assert.deepEqual(progress(firstMark.text), [1, markable.length]);
  assert.ok(markable.length > 1100);
  const lastMark = await asesor1.get(`/marking/${REVIEW_EXAM_ID}/ESS-1?after=${markable.at(-2)}`);
  assert.equal(lastMark.status, 200);
  assert.deepEqual(progress(lastMark.text), [markable.length, markable.length]);
  assert.match(lastMark.text, new RegExp(`/review/${markable.at(-1)}/marks/ESS-1`));
  const done = await asesor1.get(`/marking/${REVIEW_EXAM_ID}/ESS-1?after=${markable.at(-1)}`);
  assert.equal(done.status, 200);
  assert.doesNotMatch(done.text, /Jawaban \d+ dari/);

  const bad = await asesor1.get('/api/reviews/queue?after=12x');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error, 'invalid_field');
});
