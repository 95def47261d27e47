// Attempts over HTTP against the real daemon: every shipped exam taken with the right
// answers (K on every all-objective unit) and with wrong ones (BK), no answer key in any
// candidate-facing response, and hostile saves that must change nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { startDaemon, candidateClient, stopClean, EXAMS_DIR, dbExec } from './lib/daemon.mjs';
import { loadExams, correctValue, wrongValue, secretTexts, SECRET_KEYS, allKeys } from './attempts-keys.mjs';

const exams = loadExams(EXAMS_DIR);
let d;

before(async () => {
  d = await startDaemon();
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
});

// Runs SQL on the test's own database (WAL mode, or PostgreSQL's snapshots, let it run beside
// the daemon); query may be { sqlite, postgresql } when the texts differ.
function sql(query) {
  const r = dbExec(d.dataDir, query);
  assert.equal(r.status, 0, `database shell failed: ${r.stderr}`);
  return r.stdout.trim();
}

function formItems(form) {
  return form.units.flatMap((u) => u.items.map((it) => ({ ...it, unit: u.code })));
}

// Scans a candidate-facing JSON body for answer keys; `where` names the response.
function assertNoSecrets(entry, body, where) {
  const keys = allKeys(body);
  for (const k of SECRET_KEYS) assert.ok(!keys.has(k), `${entry.file}: ${where} has a "${k}" field`);
  const text = JSON.stringify(body).toLowerCase();
  for (const s of secretTexts(entry)) {
    // Whole words only: "PETE" (a plastic) must not match inside "kompeten".
    const re = new RegExp(`(^|[^\\p{L}\\p{N}])${s.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'u');
    assert.ok(!re.test(text), `${entry.file}: ${where} contains the secret text "${s}"`);
  }
}

// Starts an attempt, saves `pick(item)` for every item of the form, submits it. Checks the
// responses for secrets on the way. Returns { id, form, submit }.
async function takeExam(c, entry, pick) {
  const start = await c.post(`/api/exams/${entry.exam.id}/attempts`);
  assert.equal(start.status, 201, `${entry.file}: start ${start.status} ${start.text}`);
  assertNoSecrets(entry, start.json, 'start');
  const id = start.json.id;
  assert.equal(start.json.status, 'open');
  assert.ok(start.json.remaining_seconds > 0 && start.json.remaining_seconds <= entry.exam.duration_minutes * 60);

  const got = await c.get(`/api/attempts/${id}`);
  assert.equal(got.status, 200);
  assertNoSecrets(entry, got.json, 'attempt before answering');
  const items = formItems(got.json.form);
  let expectedCount = 0;
  for (const u of entry.exam.units) for (const p of u.pools ?? []) expectedCount += p.draw;
  assert.equal(items.length, expectedCount, `${entry.file}: form size`);

  for (const it of items) {
    const item = entry.items.get(it.id);
    assert.ok(item, `${entry.file}: form item ${it.id} is not in the file`);
    assert.equal(it.type, item.type);
    // evidence items take files through uploads (evidence.test.mjs), not answers
    if (item.type === 'evidence') continue;
    const r = await c.put(`/api/attempts/${id}/answers/${encodeURIComponent(it.id)}`, { value: pick(item) });
    assert.equal(r.status, 200, `${entry.file}: save ${it.id}: ${r.status} ${r.text}`);
    assertNoSecrets(entry, r.json, `save ${it.id}`);
    assert.equal(typeof r.json.remaining_seconds, 'number');
    assert.ok(r.json.server_time);
  }
  const again = await c.get(`/api/attempts/${id}`);
  const { answers, ...rest } = again.json; // the candidate's own answers may echo key texts
  assertNoSecrets(entry, rest, 'attempt after answering');
  assert.equal(Object.keys(answers).length, items.filter((it) => it.type !== 'evidence').length);

  const submit = await c.post(`/api/attempts/${id}/submit`);
  assert.equal(submit.status, 200, `${entry.file}: submit ${submit.status} ${submit.text}`);
  assertNoSecrets(entry, submit.json, 'submit');
  assert.equal(submit.json.status, 'submitted');
  return { id, items, submit };
}

// The stored per-unit result (also what an assessor sees), and the candidate's view.
async function results(c, entry, id) {
  const stored = JSON.parse(sql(`SELECT result FROM attempts WHERE id = ${Number(id)}`));
  const res = await c.get(`/api/attempts/${id}/result`);
  assert.equal(res.status, 200, `${entry.file}: result ${res.status} ${res.text}`);
  assertNoSecrets(entry, res.json, 'result');
  return { stored, view: res.json };
}

test('every shipped exam taken with the right answers is K on every all-objective unit', async () => {
  assert.ok(exams.length >= 1);
  const c = await candidateClient(d, 'Dewi Lestari');
  for (const entry of exams) {
    const { id, items, submit } = await takeExam(c, entry, correctValue);
    const openUnits = new Set([...items.filter((it) => it.type === 'open' || it.type === 'evidence').map((it) => it.unit), ...entry.observed]);
    const { stored, view } = await results(c, entry, id);
    for (const u of stored.units) {
      if (openUnits.has(u.code)) {
        assert.equal(u.verdict, 'PENDING', `${entry.file}: unit ${u.code} has open items`);
      } else {
        assert.equal(u.verdict, 'K', `${entry.file}: unit ${u.code} scored ${u.percent}% with every answer right`);
        assert.equal(u.percent, 100);
      }
    }
    if (openUnits.size === 0) {
      assert.equal(submit.json.verdict, 'K');
      assert.equal(view.released, true);
      assert.equal(view.verdict, 'K');
      assert.ok(view.units.every((u) => u.verdict === 'K'));
    } else {
      assert.equal(submit.json.verdict, 'pending');
      assert.equal(view.released, false);
      assert.match(view.message, /Menunggu penilaian asesor/);
      assert.equal(view.units, undefined, 'no per-unit result before the assessor decides');
    }
    // Submitting again is idempotent.
    const again = await c.post(`/api/attempts/${id}/submit`);
    assert.equal(again.status, 200);
    assert.equal(again.json.status, 'submitted');
    assert.equal(again.json.finished_at, submit.json.finished_at);
  }
  // The list shows them all, newest first, own only.
  const list = await c.get('/api/attempts');
  assert.equal(list.status, 200);
  assert.equal(list.json.attempts.length, exams.length);
});

test('wrong answers give BK on every all-objective unit, and the retake policy holds', async () => {
  const c = await candidateClient(d, 'Budi Santoso');
  for (const entry of exams) {
    const { id, items } = await takeExam(c, entry, wrongValue);
    const openUnits = new Set([...items.filter((it) => it.type === 'open' || it.type === 'evidence').map((it) => it.unit), ...entry.observed]);
    const { stored, view } = await results(c, entry, id);
    for (const u of stored.units) {
      if (!openUnits.has(u.code)) {
        assert.equal(u.verdict, 'BK', `${entry.file}: unit ${u.code} scored ${u.percent}% with every answer wrong`);
        assert.equal(u.earned, 0);
      }
    }
    if (openUnits.size === 0) {
      assert.equal(view.verdict, 'BK');
      assert.match(view.message, /Belum kompeten/);
    }
    // Starting again right away: the cooldown (BK) or the pending review refuses it.
    const again = await c.post(`/api/exams/${entry.exam.id}/attempts`);
    assert.equal(again.status, 409, `${entry.file}: restart ${again.status} ${again.text}`);
    assert.ok(['attempt_cooldown', 'awaiting_review'].includes(again.json.error), again.text);
  }
});

test('hostile saves change nothing stored', async () => {
  const entry = exams.find((e) => [...e.items.values()].some((i) => i.type === 'single')) || exams[0];
  const alice = await candidateClient(d, 'Alice Wulandari');
  const mallory = await candidateClient(d, 'Mallory');
  const start = await alice.post(`/api/exams/${entry.exam.id}/attempts`);
  assert.equal(start.status, 201);
  const id = start.json.id;
  // A second start returns the same open attempt.
  const dup = await alice.post(`/api/exams/${entry.exam.id}/attempts`);
  assert.equal(dup.status, 200);
  assert.equal(dup.json.id, id);

  const form = (await alice.get(`/api/attempts/${id}`)).json.form;
  const items = formItems(form);
  const first = items[0];
  const item = entry.items.get(first.id);
  const ok = await alice.put(`/api/attempts/${id}/answers/${first.id}`, { value: correctValue(item) });
  assert.equal(ok.status, 200);
  const snapshot = () => sql(`SELECT item_id || '=' || value || '@' || saved_at FROM attempt_answers WHERE attempt_id = ${id} ORDER BY item_id`);
  const before1 = snapshot();

  // Someone else's attempt: 404, indistinguishable from a missing one.
  let r = await mallory.put(`/api/attempts/${id}/answers/${first.id}`, { value: wrongValue(item) });
  assert.equal(r.status, 404);
  assert.equal(r.json.error, 'attempt_not_found');
  r = await mallory.get(`/api/attempts/${id}`);
  assert.equal(r.status, 404);
  r = await mallory.get(`/api/attempts/${id}/result`);
  assert.equal(r.status, 404);
  r = await mallory.post(`/api/attempts/${id}/submit`);
  assert.equal(r.status, 404);
  r = await alice.get('/api/attempts/99999999');
  assert.equal(r.status, 404);
  r = await alice.get('/api/attempts/abc');
  assert.equal(r.status, 404);

  // Not in the form, or no such item at all.
  const notDrawn = [...entry.items.keys()].find((k) => !items.some((it) => it.id === k));
  if (notDrawn) {
    r = await alice.put(`/api/attempts/${id}/answers/${notDrawn}`, { value: 'a' });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'item_not_in_form');
  }
  r = await alice.put(`/api/attempts/${id}/answers/NO-SUCH-ITEM`, { value: 'a' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'item_not_in_form');

  // Wrong shapes.
  for (const body of [{ value: { nested: true } }, { wrong: 1 }, { value: 'a', extra: 1 }, [1, 2]]) {
    r = await alice.put(`/api/attempts/${id}/answers/${first.id}`, body);
    assert.equal(r.status, 400, `shape ${JSON.stringify(body)}: ${r.status} ${r.text}`);
  }
  // Malformed and oversized bodies.
  r = await alice.put(`/api/attempts/${id}/answers/${first.id}`, '{"value": ', { headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  r = await alice.put(`/api/attempts/${id}/answers/${first.id}`, JSON.stringify({ value: 'x'.repeat(200_000) }), {
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(r.status, 413);
  assert.equal(snapshot(), before1, 'rejected saves must not change stored answers');

  // Submitted: further saves are 409.
  r = await alice.post(`/api/attempts/${id}/submit`);
  assert.equal(r.status, 200);
  r = await alice.put(`/api/attempts/${id}/answers/${first.id}`, { value: wrongValue(item) });
  assert.equal(r.status, 409);
  assert.equal(r.json.error, 'attempt_closed');
  assert.equal(snapshot(), before1);
});

test('a save after the deadline is refused and the attempt is closed at its deadline', async () => {
  const entry = exams[exams.length - 1];
  const c = await candidateClient(d, 'Rina Kartika');
  const start = await c.post(`/api/exams/${entry.exam.id}/attempts`);
  assert.equal(start.status, 201);
  const id = start.json.id;
  const items = formItems((await c.get(`/api/attempts/${id}`)).json.form);
  const first = items[0];
  const item = entry.items.get(first.id);
  let r = await c.put(`/api/attempts/${id}/answers/${first.id}`, { value: correctValue(item) });
  assert.equal(r.status, 200);

  // Extra time in the store moves the deadline the server reports.
  const deadline = Number(sql(`SELECT deadline_at FROM attempts WHERE id = ${id}`));
  sql(`UPDATE attempts SET deadline_at = deadline_at + 600000 WHERE id = ${id}`);
  r = await c.get(`/api/attempts/${id}`);
  assert.ok(r.json.remaining_seconds > entry.exam.duration_minutes * 60, 'extended deadline is read from the store');

  // Move the deadline (and start) into the past, beyond the 30 s grace.
  const past = Date.now() - 120_000;
  sql(`UPDATE attempts SET started_at = ${past - 60_000}, deadline_at = ${past} WHERE id = ${id}`);
  const storedAnswers = () => sql({
    sqlite: `SELECT count(*) || ':' || group_concat(value) FROM attempt_answers WHERE attempt_id = ${id}`,
    postgresql: `SELECT count(*) || ':' || string_agg(value, ',' ORDER BY item_id) FROM attempt_answers WHERE attempt_id = ${id}`,
  });
  const before1 = storedAnswers();
  r = await c.put(`/api/attempts/${id}/answers/${items[1] ? items[1].id : first.id}`, { value: correctValue(entry.items.get((items[1] || first).id)) });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'attempt_deadline');
  assert.equal(storedAnswers(), before1);

  r = await c.get(`/api/attempts/${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.remaining_seconds, 0);
  assert.equal(Number(sql(`SELECT finished_at FROM attempts WHERE id = ${id}`)), past, 'closed AT the deadline');
  assert.ok(deadline > past);
  // The answer saved in time was scored.
  const stored = JSON.parse(sql(`SELECT result FROM attempts WHERE id = ${id}`));
  assert.ok(stored.units.some((u) => u.earned > 0) || item.type === 'open');
  // Submitting a closed attempt is idempotent and keeps it closed.
  r = await c.post(`/api/attempts/${id}/submit`);
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'closed');
});

test('concurrent starts of the same exam give one attempt', async () => {
  const entry = exams[0];
  const c = await candidateClient(d, 'Wayan Sudarma');
  const rs = await Promise.all(Array.from({ length: 6 }, () => c.post(`/api/exams/${entry.exam.id}/attempts`)));
  const statuses = rs.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 201], rs.map((r) => r.text).join('\n'));
  assert.equal(new Set(rs.map((r) => r.json.id)).size, 1);
  assert.equal(Number(sql(`SELECT count(*) FROM attempts WHERE exam_id = '${entry.exam.id}' AND status = 'open' AND user_id = (SELECT id FROM users WHERE email = '${c.email}')`)), 1);
  // Unknown exam.
  const r = await c.post('/api/exams/NO-SUCH-EXAM/attempts');
  assert.equal(r.status, 404);
  assert.equal(r.json.error, 'exam_not_found');
});

test('retake policy: cooldown after BK, then at most max_attempts', async () => {
  const entry = exams.find((e) => e.observed.size === 0 && [...e.items.values()].every((i) => i.type !== 'open'));
  assert.ok(entry);
  const { max_attempts: max, cooldown_days: cooldown } = entry.exam.retake;
  const c = await candidateClient(d, 'Komang Arta');
  for (let n = 1; n <= max; n++) {
    const { id } = await takeExam(c, entry, wrongValue);
    const r = await c.post(`/api/exams/${entry.exam.id}/attempts`);
    assert.equal(r.status, 409);
    if (n < max) {
      assert.equal(r.json.error, cooldown > 0 ? 'attempt_cooldown' : 'attempt_limit');
      // The waiting period has passed.
      const back = Number(sql(`SELECT finished_at FROM attempts WHERE id = ${id}`)) - (cooldown * 86400 + 60) * 1000;
      sql(`UPDATE attempts SET started_at = ${back - 1000}, deadline_at = ${back}, finished_at = ${back} WHERE id = ${id}`);
    } else {
      assert.equal(r.json.error, 'attempt_limit', r.text);
    }
  }
  const list = await c.get('/api/attempts');
  assert.equal(list.json.attempts.length, max);
  assert.ok(list.json.attempts.every((a) => a.verdict === 'BK'));
});
