// Marking ahead of the decision and what it keeps: marks saved per item (claim taken, rubric
// rules, per-criterion notes, level descriptors, the 5,000-byte comment), the queue's state
// filter, blind marking in the reviews API, rubric levels on the sheet, and the notes the
// candidate receives in the feedback (never the points).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { candidateClient } from './lib/daemon.mjs';
import { reviewDaemon, markingExam, finishedAttempt } from './lib/reviews.mjs';

const LEVELS = 'DKV-UJI-LEVELS';
const BLIND = 'DKV-UJI-BLIND';
let ctx;
let d;
let admin;
let asesor1;
let asesor2;

before(async () => {
  ctx = await reviewDaemon({
    'dkv-uji-levels.exam.yaml': markingExam(LEVELS),
    'dkv-uji-blind.exam.yaml': markingExam(BLIND, { blind: true }),
  });
  ({ d, admin, asesor1, asesor2 } = ctx);
});

after(async () => {
  if (ctx) await ctx.stop();
});

test('marks for one item: checked like a decision, claim taken, notes and levels kept', async () => {
  const cand = await candidateClient(d, 'Rani Puspita');
  const id = await finishedAttempt(cand, { exam: LEVELS });
  const url = `/api/reviews/${id}/marks/ESS-1`;
  const long = 'x'.repeat(5000);

  const bad = [
    [{ criteria: { R1: 5, R2: 0 } }, 'bad_marks'],
    [{ criteria: { R1: 2 } }, 'bad_marks'],
    [{ criteria: { R1: 2, R2: 1 }, notes: { R9: 'tidak ada' } }, 'bad_marks'],
    [{ criteria: { R1: 2, R2: 1 }, notes: 'bukan objek' }, 'bad_marks'],
    [{ criteria: { R1: 2, R2: 1 }, comment: `${long}y` }, 'invalid_field'],
    [{ criteria: { R1: 2, R2: 1 }, notes: { R1: `${long}y` } }, 'invalid_field'],
  ];
  for (const [body, error] of bad) {
    const r = await asesor1.post(url, body);
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error, error);
  }
  const notOnForm = await asesor1.post(`/api/reviews/${id}/marks/OBJ-1`, { criteria: {} });
  assert.equal(notOnForm.status, 400, notOnForm.text);
  const missing = await asesor1.post(`/api/reviews/${id}/marks/NOPE`, { criteria: {} });
  assert.equal(missing.status, 400, missing.text);
  assert.equal((await cand.post(url, { criteria: { R1: 2, R2: 1 } })).status, 403, 'candidates may not mark');

  // A refused request took no claim: the other assessor can still take the attempt.
  const q0 = await asesor2.get(`/api/reviews/queue?exam=${LEVELS}&state=free`);
  assert.ok(q0.json.items.some((e) => e.attempt_id === id), 'still free after refusals');

  const ok = await asesor1.post(url, {
    criteria: { R1: 2, R2: 1 }, notes: { R1: 'Alasan urutan baca belum ada.', R2: '' }, comment: long,
  });
  assert.equal(ok.status, 200, ok.text.slice(0, 300));
  assert.equal(ok.json.points, 3);
  assert.equal(ok.json.marks.levels.R1, 'Urutan baca disebut tanpa alasan');
  assert.deepEqual(ok.json.marks.notes, { R1: 'Alasan urutan baca belum ada.' });
  assert.equal(ok.json.marks.comment.length, 5000, 'a 5,000-character comment is kept whole');
  assert.ok(Date.parse(ok.json.claim_expires_at) > Date.now(), 'saving took the claim');

  // The claim is the first review's: the other assessor cannot mark or claim now.
  const held = await asesor2.post(url, { criteria: { R1: 4, R2: 2 } });
  assert.equal(held.status, 409, held.text);
  assert.equal(held.json.error, 'claim_held');

  // Queue states.
  const mine = await asesor1.get(`/api/reviews/queue?exam=${LEVELS}&state=mine`);
  assert.ok(mine.json.items.some((e) => e.attempt_id === id), 'mine lists my claim');
  const free = await asesor1.get(`/api/reviews/queue?exam=${LEVELS}&state=free`);
  assert.ok(!free.json.items.some((e) => e.attempt_id === id), 'free leaves it out');
  const others = await asesor2.get(`/api/reviews/queue?exam=${LEVELS}&state=others`);
  assert.ok(others.json.items.some((e) => e.attempt_id === id), 'others lists it for asesor 2');
  const wrong = await asesor1.get('/api/reviews/queue?state=bogus');
  assert.equal(wrong.status, 400, wrong.text);

  // The sheet carries the level descriptors of the rubric.
  const sheet = await asesor1.get(`/api/reviews/${id}`);
  const ess = sheet.json.units.flatMap((u) => u.items).find((i) => i.id === 'ESS-1');
  assert.deepEqual(ess.rubric[0].levels.map((l) => l.points), [4, 2, 0]);
  assert.deepEqual(ess.rubric[1].levels, []);

  // The decision keeps notes and levels; the candidate reads them without points.
  const dec = await asesor1.post(`/api/reviews/${id}/decision`, {
    items: { 'ESS-1': { criteria: { R1: 0, R2: 1 }, notes: { R1: 'Belum menjelaskan urutan.' }, comment: 'Perlu contoh.' } },
    overall: 'BK',
    feedback: 'Pelajari hierarki visual.',
  });
  assert.equal(dec.status, 200, dec.text);
  const fb = await cand.get(`/api/attempts/${id}/feedback`);
  assert.equal(fb.status, 200, fb.text);
  assert.deepEqual(fb.json.notes, {
    'ESS-1': { R1: { level: 'Urutan baca tidak dijelaskan', comment: 'Belum menjelaskan urutan.' } },
  });
  assert.equal(fb.json.comments['ESS-1'], 'Perlu contoh.');
  assert.ok(!fb.text.includes('criteria') && !fb.text.includes('"points"'), 'rubric points stay with the assessors');
  // The candidate's copy of their data holds the decision as they are shown it.
  const copy = await cand.get('/api/me/data');
  assert.equal(copy.status, 200, copy.text);
  assert.deepEqual(copy.json.feedback.find((x) => x.attempt_id === id), fb.json);

  // Marks cannot be saved on a decided attempt.
  const late = await asesor1.post(url, { criteria: { R1: 4, R2: 2 } });
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error, 'not_awaiting_review');
});

test('blind marking hides the candidate from assessors until the decision', async () => {
  const cand = await candidateClient(d, 'Nama Rahasia');
  const id = await finishedAttempt(cand, { exam: BLIND });
  const q = await asesor1.get(`/api/reviews/queue?exam=${BLIND}`);
  const e = q.json.items.find((x) => x.attempt_id === id);
  assert.ok(e, q.text);
  assert.equal(e.candidate_id, null);
  assert.equal(e.blind, true);
  const qa = await admin.get(`/api/reviews/queue?exam=${BLIND}`);
  const ea = qa.json.items.find((x) => x.attempt_id === id);
  assert.ok(Number.isInteger(ea.candidate_id) && ea.blind === false, 'administrators see the candidate');
  const plain = await asesor1.get(`/api/reviews/queue?exam=${LEVELS}`);
  assert.ok(plain.json.items.every((x) => x.blind === false), 'other exams are not blind');

  const sheet = await asesor1.get(`/api/reviews/${id}`);
  assert.equal(sheet.json.attempt.candidate_id, null);
  assert.equal(sheet.json.attempt.blind, true);
  assert.ok(!sheet.text.includes('Nama Rahasia'));

  assert.equal((await asesor1.post(`/api/reviews/${id}/claim`, {})).status, 200);
  const dec = await asesor1.post(`/api/reviews/${id}/decision`, {
    items: { 'ESS-1': { criteria: { R1: 4, R2: 2 } } }, overall: 'K',
  });
  assert.equal(dec.status, 200, dec.text);
  const after = await asesor1.get(`/api/reviews/${id}`);
  assert.ok(Number.isInteger(after.json.attempt.candidate_id), 'decided: the candidate is known');
  assert.equal(after.json.attempt.blind, false);
});

// A name of 200 two-byte letters (400 bytes of UTF-8 with its spaces) is shown whole in the
// queue, not cut inside a letter: the page kept 159 bytes of it before.
test('the queue shows a 200-character name whole', async () => {
  const letters = ['Ñ', 'ĕ', 'š', 'α', 'Ж', 'é', 'ü', 'č', 'л'];
  const words = Array.from({ length: 20 }, (_, w) =>
    Array.from({ length: w < 19 ? 9 : 10 }, (__, i) => letters[(w + i) % letters.length]).join(''));
  const name = words.join(' ');
  assert.equal([...name].length, 200);
  const cand = await candidateClient(d, name);
  await finishedAttempt(cand, { exam: LEVELS });
  const page = await asesor1.get('/review');
  assert.equal(page.status, 200, page.text.slice(0, 300));
  assert.ok(page.text.includes(`<td>${name}</td>`), 'the whole name in a cell of the queue');
  assert.ok(!page.text.includes('\uFFFD'), 'no broken letter');
});
