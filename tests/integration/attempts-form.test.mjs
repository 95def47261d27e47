// The exam form as the candidate reads it (GET /api/attempts/:id), which the daemon writes
// as text spliced from each exam version's pre-serialised view: its keys in their order, every
// item and option exactly as the exam file has them (options in the drawn order), saved
// answers echoed as saved (quotes, backslashes, control characters, any script), a stored
// answer that is not JSON left out, the same body after a restart (form index empty), and a
// stored form that its seed does not reproduce served as stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

import { startDaemon, candidateClient, stopClean, tmpDir, Client, PASSWORD, EXAMS_DIR, dbExec } from './lib/daemon.mjs';
import { loadExams } from './attempts-keys.mjs';

const exams = loadExams(EXAMS_DIR);

function sqlOn(dataDir, query) {
  const r = dbExec(dataDir, query);
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

const SUMMARY_KEYS = ['id', 'exam_id', 'exam_title', 'status', 'started_at', 'deadline_at', 'server_time', 'remaining_seconds'];

// The form against the exam file: keys in order, texts as written, options a permutation.
function checkForm(entry, form) {
  const exam = entry.exam;
  assert.deepEqual(Object.keys(form), ['exam_id', 'title', 'title_en', 'units']);
  assert.equal(form.exam_id, exam.id);
  assert.equal(form.title, exam.title);
  assert.equal(form.title_en, exam.title_en);
  assert.equal(form.units.length, exam.units.length);
  form.units.forEach((u, k) => {
    const eu = exam.units[k];
    assert.deepEqual(Object.keys(u), eu.title_en ? ['code', 'title', 'items', 'title_en'] : ['code', 'title', 'items']);
    assert.equal(u.code, String(eu.code));
    assert.equal(u.title, eu.title);
    if (eu.title_en) assert.equal(u.title_en, eu.title_en);
    let draw = 0;
    for (const p of eu.pools ?? []) draw += p.draw;
    assert.equal(u.items.length, draw);
    for (const it of u.items) {
      const item = entry.items.get(it.id);
      assert.ok(item, `${it.id} is in the file`);
      assert.equal(item.unit, u.code);
      const keys = ['id', 'type', 'prompt', 'points', 'kuk'];
      if (item.options) keys.push('options');
      if (item.type === 'numeric' && item.answer && item.answer.unit) keys.push('unit');
      if (item.type === 'open' || item.type === 'evidence') keys.push('rubric');
      if (item.type === 'evidence') keys.push('accept', 'max_files', 'max_mb');
      assert.deepEqual(Object.keys(it), keys, `${it.id}: keys`);
      assert.equal(it.type, item.type);
      assert.equal(it.prompt, item.prompt);
      assert.deepEqual(it.kuk, item.kuk.map(String));
      if (item.options) {
        const byId = new Map(item.options.map((o) => [String(o.id), String(o.text)]));
        assert.equal(it.options.length, byId.size);
        assert.deepEqual(new Set(it.options.map((o) => o.id)), new Set(byId.keys()));
        for (const o of it.options) {
          assert.deepEqual(Object.keys(o), ['id', 'text']);
          assert.equal(o.text, byId.get(o.id));
        }
      }
      if (item.type === 'open' || item.type === 'evidence') {
        assert.deepEqual(it.rubric, item.rubric.map((r) => ({ id: String(r.id), text: r.text })));
        assert.equal(it.points, item.rubric.reduce((s, r) => s + r.max_points, 0));
      }
      if (item.type === 'evidence') {
        assert.deepEqual(it.accept, item.accept);
        assert.equal(it.max_files, item.max_files);
        assert.equal(it.max_mb, item.max_mb);
      }
    }
  });
}

// Everything but the clock.
function stable(body) {
  const { server_time, remaining_seconds, ...rest } = body; // eslint-disable-line no-unused-vars
  return rest;
}

test('the form read is the exam file, answers come back as saved, and a restart changes nothing', async () => {
  const dataDir = tmpDir('ujikom-data-');
  let d = await startDaemon({ dataDir });
  try {
    const c = await candidateClient(d, 'Ni Luh "Ayu" Ketut');
    // An attempt whose form has a text item (short or open), to save texts into.
    let entry;
    let id;
    let body;
    let textItem;
    for (const e of exams) {
      const start = await c.post(`/api/exams/${e.exam.id}/attempts`);
      assert.equal(start.status, 201, start.text);
      assert.deepEqual(Object.keys(start.json), SUMMARY_KEYS);
      assert.equal(start.json.remaining_seconds, e.exam.duration_minutes * 60);
      const got = await c.get(`/api/attempts/${start.json.id}`);
      assert.equal(got.status, 200, got.text);
      checkForm(e, got.json.form);
      assert.deepEqual(Object.keys(got.json), [...SUMMARY_KEYS, 'form', 'flags', 'answers']);
      assert.deepEqual(got.json.answers, {});
      const t = got.json.form.units.flatMap((u) => u.items).find((it) => it.type === 'short' || it.type === 'open');
      if (t && !entry) {
        entry = e;
        id = start.json.id;
        body = got.json;
        textItem = t;
      }
    }
    assert.ok(entry, 'some shipped exam draws a short or open item');
    assert.equal(body.exam_id, entry.exam.id);
    assert.equal(body.exam_title, entry.exam.title);
    assert.equal(body.status, 'open');

    const tricky = 'Kata "kunci" \\ garis\nbaru\ttab \u0001 — batik 🙂 /slash';
    let r = await c.put(`/api/attempts/${id}/answers/${encodeURIComponent(textItem.id)}`, { value: tricky });
    assert.equal(r.status, 200, r.text);
    r = await c.get(`/api/attempts/${id}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.answers[textItem.id], tricky);
    assert.deepEqual(Object.keys(r.json.answers), [textItem.id]);

    // Stored answers that were never JSON are left out; the others stay, in item order.
    const items = r.json.form.units.flatMap((u) => u.items).map((it) => it.id).filter((x) => x !== textItem.id);
    assert.ok(items.length >= 2);
    const esc = (s) => s.replace(/'/g, "''");
    sqlOn(dataDir, `INSERT INTO attempt_answers(attempt_id, item_id, value, saved_at) VALUES
      (${Number(id)}, '${esc(items[0])}', '{"broken": ', 1),
      (${Number(id)}, '${esc(items[1])}', '[1, 2.5e3, -0, {"a": [true, false, null]}, "\\u00e9"]', 1)`);
    r = await c.get(`/api/attempts/${id}`);
    assert.equal(r.status, 200);
    assert.notEqual(r.json, null, 'the body is JSON');
    assert.equal(r.json.answers[items[0]], undefined);
    assert.deepEqual(r.json.answers[items[1]], [1, 2500, -0, { a: [true, false, null] }, 'é']);
    assert.equal(r.json.answers[textItem.id], tricky);
    assert.deepEqual(Object.keys(r.json.answers), [items[1], textItem.id].sort());
    const beforeRestart = r.json;

    // Times are the stored milliseconds as ISO-8601 UTC seconds, over leap days and centuries.
    const iso = (ms) => new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const [startMs, deadlineMs] = sqlOn(dataDir, `SELECT started_at, deadline_at FROM attempts WHERE id = ${Number(id)}`).split('|');
    assert.equal(beforeRestart.started_at, iso(startMs));
    assert.equal(beforeRestart.deadline_at, iso(deadlineMs));
    const edges = [
      ['1970-01-01T00:00:01.999Z', '2100-02-28T23:59:59.000Z'],
      ['1999-12-31T23:59:59.500Z', '2400-02-29T12:00:00.000Z'],
      ['2000-02-29T00:00:00.000Z', '9999-12-31T23:59:59.999Z'],
      ['2024-12-31T23:59:59.000Z', '2028-03-01T00:00:00.000Z'],
    ];
    for (const [s, e] of edges) {
      sqlOn(dataDir, `UPDATE attempts SET started_at = ${Date.parse(s)}, deadline_at = ${Date.parse(e)} WHERE id = ${Number(id)}`);
      r = await c.get(`/api/attempts/${id}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.started_at, iso(Date.parse(s)));
      assert.equal(r.json.deadline_at, iso(Date.parse(e)));
      r = await c.put(`/api/attempts/${id}/answers/${encodeURIComponent(textItem.id)}`, { value: tricky });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.deadline_at, iso(Date.parse(e)));
      assert.ok(Math.abs(Date.parse(r.json.server_time) - Date.now()) < 60_000);
    }
    sqlOn(dataDir, `UPDATE attempts SET started_at = ${startMs}, deadline_at = ${deadlineMs} WHERE id = ${Number(id)}`);

    // Submitted: finished_at and verdict come before the form.
    const other = exams.find((e) => e !== entry);
    await stopClean(d);
    d = await startDaemon({ dataDir });
    const c2 = new Client(d.url);
    assert.equal((await c2.login(c.email, PASSWORD)).status, 200);
    r = await c2.get(`/api/attempts/${id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(stable(r.json), stable(beforeRestart), 'the same body from the stored form');

    // A stored form its seed does not reproduce (items of a unit in another order) is served
    // as stored, after a restart empties the form index.
    const list = (await c2.get('/api/attempts')).json.attempts;
    const victim = list.find((a) => a.exam_id === other.exam.id);
    const stored = JSON.parse(sqlOn(dataDir, `SELECT form FROM attempts WHERE id = ${Number(victim.id)}`));
    const unit = stored.units.find((u) => u.items.length >= 2);
    unit.items.reverse();
    await stopClean(d);
    sqlOn(dataDir, `UPDATE attempts SET form = '${esc(JSON.stringify(stored))}' WHERE id = ${Number(victim.id)}`);
    d = await startDaemon({ dataDir });
    const c3 = new Client(d.url);
    assert.equal((await c3.login(c.email, PASSWORD)).status, 200);
    r = await c3.get(`/api/attempts/${victim.id}`);
    assert.equal(r.status, 200, r.text);
    checkForm(other, r.json.form);
    const served = r.json.form.units.find((u) => u.code === unit.code).items.map((it) => it.id);
    assert.deepEqual(served, unit.items.map((it) => it.id));

    r = await c3.post(`/api/attempts/${victim.id}/submit`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json), [...SUMMARY_KEYS, 'finished_at', 'verdict']);
    assert.equal(r.json.status, 'submitted');
    assert.equal(r.json.id, victim.id);
    assert.equal(r.json.exam_title, other.exam.title);
    const again = await c3.post(`/api/attempts/${victim.id}/submit`); // idempotent
    assert.equal(again.status, 200);
    assert.deepEqual(stable(again.json), stable(r.json));
    r = await c3.get(`/api/attempts/${victim.id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), [...SUMMARY_KEYS, 'finished_at', 'verdict', 'form', 'flags', 'answers']);
    assert.equal(r.json.status, 'submitted');
    assert.ok(['K', 'BK', 'pending'].includes(r.json.verdict));
  } finally {
    await stopClean(d);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
