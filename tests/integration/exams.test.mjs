// The public exam catalogue over HTTP: subsectors, the exam list and filter, one exam's
// metadata (never items or keys), and the CLI checker on shipped and broken files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { startDaemon, stopClean, cli, tmpDir, EXAMS_DIR, SOURCE_DIR, Client } from './lib/daemon.mjs';
import { loadExams, SECRET_KEYS, allKeys } from './attempts-keys.mjs';

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

test('GET /api/subsectors lists the 17 subsectors with exam counts', async () => {
  const c = new Client(d.url);
  const r = await c.get('/api/subsectors');
  assert.equal(r.status, 200);
  assert.equal(r.json.subsectors.length, 17);
  const fsn = r.json.subsectors.find((s) => s.code === 'FSN');
  assert.equal(fsn.name_id, 'Fesyen');
  const total = r.json.subsectors.reduce((n, s) => n + s.exams, 0);
  assert.equal(total, exams.length);
});

test('GET /api/exams lists every shipped exam and filters by subsector', async () => {
  const c = new Client(d.url);
  const r = await c.get('/api/exams');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.exams.map((e) => e.id).sort(), exams.map((e) => e.exam.id).sort());
  const one = exams[0].exam;
  const f = await c.get(`/api/exams?subsector=${one.subsector}`);
  assert.equal(f.status, 200);
  assert.ok(f.json.exams.length >= 1);
  assert.ok(f.json.exams.every((e) => e.subsector === one.subsector));
  const bad = await c.get('/api/exams?subsector=XYZ');
  assert.equal(bad.status, 400);
});

test('GET /api/exams/:id gives units, duration and retake policy but no items', async () => {
  const c = new Client(d.url);
  for (const { exam, items } of exams) {
    const r = await c.get(`/api/exams/${exam.id}`);
    assert.equal(r.status, 200, `${exam.id}: ${r.status}`);
    assert.equal(r.json.duration_minutes, exam.duration_minutes);
    assert.deepEqual(r.json.retake, { max_attempts: exam.retake.max_attempts, cooldown_days: exam.retake.cooldown_days });
    assert.deepEqual(r.json.units.map((u) => u.code), exam.units.map((u) => String(u.code)));
    const keys = allKeys(r.json);
    for (const k of [...SECRET_KEYS, 'prompt', 'options', 'pools', 'rubric']) assert.ok(!keys.has(k), `${exam.id}: has ${k}`);
    const text = JSON.stringify(r.json);
    for (const item of items.values()) {
      assert.ok(!text.includes(String(item.prompt).trim().slice(0, 60)), `${exam.id}: prompt of ${item.id} leaked`);
    }
  }
  const missing = await c.get('/api/exams/NO-SUCH-EXAM');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error, 'exam_not_found');
});

test('starting an attempt needs a candidate session', async () => {
  const c = new Client(d.url);
  const r = await c.post(`/api/exams/${exams[0].exam.id}/attempts`);
  assert.equal(r.status, 401);
});

test('ujikom exams check: shipped exams pass, every bad file fails with its expected lines', () => {
  const ok = cli(['exams', 'check', '--exams-dir', EXAMS_DIR]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const badDir = path.join(SOURCE_DIR, 'tests/data/exams-bad');
  for (const f of readdirSync(badDir).filter((n) => n.endsWith('.exam.yaml'))) {
    const tmp = tmpDir('ujikom-bad-');
    copyFileSync(path.join(badDir, f), path.join(tmp, f));
    const r = cli(['exams', 'check', '--subsectors', path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(tmp, f)]);
    assert.equal(r.status, 1, `${f}: exit ${r.status}`);
    const expected = readFileSync(path.join(badDir, f.replace(/\.exam\.yaml$/, '.expected')), 'utf8');
    assert.equal(r.stdout.split(path.join(tmp, f)).join(f), expected, `${f}: output`);
  }
});

test('the daemon skips an invalid exam file and serves the rest', async () => {
  const dir = tmpDir('ujikom-exams-');
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(dir, 'subsectors.yaml'));
  copyFileSync(path.join(EXAMS_DIR, exams[0].file), path.join(dir, exams[0].file));
  writeFileSync(path.join(dir, 'fsn-rusak.exam.yaml'), 'format: 1\nid: RUSAK\n');
  const d2 = await startDaemon({ examsDir: dir, logLevel: 'warn' });
  try {
    const r = await new Client(d2.url).get('/api/exams');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.exams.map((e) => e.id), [exams[0].exam.id]);
    assert.match(d2.output(), /fsn-rusak\.exam\.yaml:1:1: missing key/);
  } finally {
    await stopClean(d2);
    d2.cleanup();
  }
});
