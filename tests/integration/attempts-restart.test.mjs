// An attempt keeps the exam version it started with: after the exam file is edited and the
// daemon restarted, the attempt still shows its original form and is scored against the
// original key (from the source snapshot in the store), while new attempts get the new file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { startDaemon, candidateClient, stopClean, tmpDir, EXAMS_DIR, Client, PASSWORD } from './lib/daemon.mjs';
import { loadExams, correctValue } from './attempts-keys.mjs';

test('a restart after the exam file changed still serves and scores the old version', async () => {
  // An all-objective exam, so the result is decided at submit.
  const entry = loadExams(EXAMS_DIR).find((e) => e.observed.size === 0 && [...e.items.values()].every((i) => i.type !== 'open'));
  assert.ok(entry, 'needs an all-objective shipped exam');
  const examsDir = tmpDir('ujikom-exams-');
  const dataDir = tmpDir('ujikom-data-');
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(examsDir, 'subsectors.yaml'));
  copyFileSync(path.join(EXAMS_DIR, entry.file), path.join(examsDir, entry.file));

  let d = await startDaemon({ examsDir, dataDir });
  const c = await candidateClient(d, 'Putu Ayu');
  const start = await c.post(`/api/exams/${entry.exam.id}/attempts`);
  assert.equal(start.status, 201);
  const id = start.json.id;
  const before = (await c.get(`/api/attempts/${id}`)).json.form;
  const oldVersion = (await new Client(d.url).get(`/api/exams/${entry.exam.id}`)).json.version;
  await stopClean(d);

  // Edit the file: every prompt changes (a new version).
  const src = readFileSync(path.join(examsDir, entry.file), 'utf8');
  const changed = src.replace(/^(\s*prompt: )(\|[-+]?\n(\s+))/gm, '$1$2[Revisi] ');
  assert.notEqual(changed, src, 'the edit must change the file');
  writeFileSync(path.join(examsDir, entry.file), changed);

  d = await startDaemon({ examsDir, dataDir });
  try {
    const c2 = new Client(d.url);
    assert.equal((await c2.login(c.email, PASSWORD)).status, 200);
    const newVersion = (await c2.get(`/api/exams/${entry.exam.id}`)).json.version;
    assert.notEqual(newVersion, oldVersion);
    const after = await c2.get(`/api/attempts/${id}`);
    assert.equal(after.status, 200, after.text);
    assert.deepEqual(after.json.form, before, 'the attempt keeps its original form');
    assert.ok(!JSON.stringify(after.json.form).includes('[Revisi]'));
    for (const u of after.json.form.units) {
      for (const it of u.items) {
        const r = await c2.put(`/api/attempts/${id}/answers/${it.id}`, { value: correctValue(entry.items.get(it.id)) });
        assert.equal(r.status, 200, r.text);
      }
    }
    const sub = await c2.post(`/api/attempts/${id}/submit`);
    assert.equal(sub.status, 200);
    assert.equal(sub.json.verdict, 'K');
  } finally {
    await stopClean(d);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(examsDir, { recursive: true, force: true });
  }
});
