// A one-unit, all-objective exam (the objective unit of the review exam) that a candidate
// passes by answering 'a' twice: the quickest way to a real certificate, issued at submit.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { EXAMS_DIR, tmpDir } from './daemon.mjs';
import { REVIEW_EXAM, REVIEW_EXAM_ID } from './reviews.mjs';

// An exams directory with the subsector list and that exam under the id examId; its
// certificates are valid validityYears (the exam's own 3 unless given).
export function objectiveExamsDir(examId, { validityYears } = {}) {
  const dir = tmpDir('ujikom-certify-exams-');
  let exam = REVIEW_EXAM.slice(0, REVIEW_EXAM.indexOf('  - code: U.ESS.002')).replaceAll(REVIEW_EXAM_ID, examId);
  if (validityYears) exam = exam.replace(/^validity_years: \d+$/m, `validity_years: ${validityYears}`);
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(dir, 'subsectors.yaml'));
  writeFileSync(path.join(dir, `${examId.toLowerCase()}.exam.yaml`), exam);
  return dir;
}

// Takes the exam right (K); resolves to the serial of the certificate issued at submit.
export async function certify(client, examId) {
  const s = await client.post(`/api/exams/${examId}/attempts`);
  if (s.status !== 201) throw new Error(`start: ${s.status} ${s.text}`);
  for (const item of ['OBJ-1', 'OBJ-2']) {
    const r = await client.put(`/api/attempts/${s.json.id}/answers/${item}`, { value: 'a' });
    if (r.status !== 200) throw new Error(`answer ${item}: ${r.status} ${r.text}`);
  }
  const sub = await client.post(`/api/attempts/${s.json.id}/submit`);
  if (sub.status !== 200 || sub.json.verdict !== 'K') throw new Error(`submit: ${sub.status} ${sub.text}`);
  const c = await client.post(`/api/attempts/${s.json.id}/certificate`);
  if (c.status !== 200 && c.status !== 201) throw new Error(`certificate: ${c.status} ${c.text}`);
  return c.json.serial;
}
