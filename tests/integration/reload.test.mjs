// SIGHUP reload: a valid edit to an exam file serves the new version to new attempts while
// a running attempt keeps the version it started with (also across a restart); an invalid
// edit is reported and the previous version stays in service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { startDaemon, stopClean, stopWith, candidateClient, tmpDir, cli, EXAMS_DIR } from './lib/daemon.mjs';
import { eventually, formItems, textItems } from './lib/reliability.mjs';

const EXAM = 'APL-JWD-JR';
const FILE = 'apl-junior-web-developer.exam.yaml';
const OTHER = 'dkv-desainer-grafis-muda.exam.yaml';
const MARK = '[Revisi 2]';

const prompts = (form) => formItems(form).map((it) => it.prompt);

test('SIGHUP serves a valid exam edit to new attempts; a running attempt keeps its version', { timeout: 120_000 }, async () => {
  const work = tmpDir('ujikom-reload-');
  const examsDir = path.join(work, 'exams');
  mkdirSync(examsDir);
  for (const f of ['subsectors.yaml', FILE, OTHER]) copyFileSync(path.join(EXAMS_DIR, f), path.join(examsDir, f));
  const file = path.join(examsDir, FILE);
  const original = readFileSync(file, 'utf8');
  let d = await startDaemon({ dataDir: path.join(work, 'data'), examsDir });
  try {
    const v1 = (await (await candidateClient(d, 'Pengamat')).get(`/api/exams/${EXAM}`)).json;
    assert.ok(v1.version, 'the exam has a version');

    const a = await candidateClient(d, 'Ayu Peserta Lama');
    const sa = await a.post(`/api/exams/${EXAM}/attempts`, {});
    assert.equal(sa.status, 201, sa.text);
    const formA = (await a.get(`/api/attempts/${sa.json.id}`)).json;
    assert.ok(prompts(formA.form).every((p) => !p.includes(MARK)));

    // A valid edit: a new title and a marker in front of every prompt.
    const edited = original
      .replace(/^title: (.*)$/m, 'title: $1 (Revisi 2)')
      .replace(/(prompt: \|\n)([ ]+)/g, `$1$2${MARK} `);
    assert.notEqual(edited, original);
    writeFileSync(file, edited);
    const check = cli(['exams', 'check', file]);
    assert.equal(check.status, 0, `the edited file should be valid: ${check.stdout}${check.stderr}`);
    d.proc.kill('SIGHUP');
    const watcher = await candidateClient(d, 'Pengamat Dua');
    const v2 = await eventually(async () => {
      const r = await watcher.get(`/api/exams/${EXAM}`);
      return r.status === 200 && r.json.version !== v1.version ? r.json : null;
    }, 15_000);
    assert.ok(v2, `the new version was not served after SIGHUP:\n${d.output()}`);
    assert.match(v2.title, /Revisi 2/);

    // A new attempt gets the new version.
    const b = await candidateClient(d, 'Budi Peserta Baru');
    const sb = await b.post(`/api/exams/${EXAM}/attempts`, {});
    assert.equal(sb.status, 201, sb.text);
    const formB = (await b.get(`/api/attempts/${sb.json.id}`)).json;
    assert.match(formB.exam_title, /Revisi 2/);
    assert.ok(prompts(formB.form).every((p) => p.startsWith(MARK)), 'the new attempt shows the edited prompts');

    // The running attempt keeps its own version: same prompts, still takes answers, scores.
    const againA = (await a.get(`/api/attempts/${sa.json.id}`)).json;
    assert.deepEqual(prompts(againA.form), prompts(formA.form), 'the running attempt changed version');
    assert.doesNotMatch(againA.exam_title, /Revisi 2/);
    const item = textItems(againA.form)[0] || formItems(againA.form).find((it) => it.type === 'truefalse');
    const value = item.type === 'truefalse' ? true : 'jawaban versi lama';
    const save = await a.put(`/api/attempts/${sa.json.id}/answers/${item.id}`, { value });
    assert.equal(save.status, 200, save.text);

    // And keeps it across a restart (the version's source is stored with the attempt).
    await stopClean(d);
    d = await startDaemon({ dataDir: path.join(work, 'data'), examsDir });
    for (const c of [a, b, watcher]) c.base = d.url;
    const afterRestart = (await a.get(`/api/attempts/${sa.json.id}`)).json;
    assert.deepEqual(prompts(afterRestart.form), prompts(formA.form), 'the running attempt changed version on restart');
    assert.deepEqual(afterRestart.answers[item.id], value);
    const sub = await a.post(`/api/attempts/${sa.json.id}/submit`, {});
    assert.equal(sub.status, 200, sub.text);
    assert.notEqual(sub.json.status, 'open');

    assert.equal(d.exited(), null);
    await stopClean(d);
  } finally {
    await stopWith(d, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});

test('SIGHUP with an invalid exam file keeps the previous version in service', {
  timeout: 120_000,
}, async () => {
  const work = tmpDir('ujikom-reload-');
  const examsDir = path.join(work, 'exams');
  mkdirSync(examsDir);
  for (const f of ['subsectors.yaml', FILE, OTHER]) copyFileSync(path.join(EXAMS_DIR, f), path.join(examsDir, f));
  const file = path.join(examsDir, FILE);
  const original = readFileSync(file, 'utf8');
  const d = await startDaemon({ dataDir: path.join(work, 'data'), examsDir });
  try {
    const watcher = await candidateClient(d, 'Pengamat');
    const v1 = (await watcher.get(`/api/exams/${EXAM}`)).json;
    const edited = original.replace(/(prompt: \|\n)([ ]+)/g, `$1$2${MARK} `);
    writeFileSync(file, edited);
    d.proc.kill('SIGHUP');
    const v2 = await eventually(async () => {
      const r = await watcher.get(`/api/exams/${EXAM}`);
      return r.status === 200 && r.json.version !== v1.version ? r.json : null;
    }, 15_000);
    assert.ok(v2, 'the valid edit was not served');

    // An invalid edit: reported, and version 2 stays in service.
    writeFileSync(file, edited.replace(/^duration_minutes: .*$/m, 'duration_minutes: 5000'));
    const bad = cli(['exams', 'check', file]);
    assert.notEqual(bad.status, 0, 'the checker accepted duration_minutes: 5000');
    const outBefore = d.output().length;
    d.proc.kill('SIGHUP');
    const reported = await eventually(() => d.output().slice(outBefore).includes(FILE), 15_000);
    assert.ok(reported, `the invalid file was not reported:\n${d.output().slice(outBefore)}`);
    assert.match(d.output().slice(outBefore), new RegExp(`${FILE.replaceAll('.', '\\.')}:\\d+`), 'report without file:line');
    const stillR = await watcher.get(`/api/exams/${EXAM}`);
    assert.equal(stillR.status, 200, `exam after a bad edit: ${stillR.status} ${stillR.text}\n${d.output().slice(outBefore)}`);
    const still = stillR.json;
    assert.equal(still.version, v2.version, 'the previous version is no longer served');
    const c = await candidateClient(d, 'Citra Peserta Ketiga');
    const sc = await c.post(`/api/exams/${EXAM}/attempts`, {});
    assert.equal(sc.status, 201, sc.text);
    const formC = (await c.get(`/api/attempts/${sc.json.id}`)).json;
    assert.ok(prompts(formC.form).every((p) => p.startsWith(MARK)), 'a new attempt after a bad edit uses version 2');
    assert.equal((await c.get('/api/exams/DKV-DGM-JR')).status, 200, 'the other exam is still served');
    assert.equal(d.exited(), null);
    await stopClean(d);
  } finally {
    await stopWith(d, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});
