// Shared by the review, appeal and admin integration tests: a small exam with one objective
// unit and one unit scored by rubric, an exams directory holding it, and a helper that
// takes a candidate through an attempt to "awaiting review".
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { tmpDir, EXAMS_DIR, startDaemon, stopClean, adminClient, candidateClient } from './daemon.mjs';
import { assessorClient } from './reliability.mjs';

export const REVIEW_EXAM_ID = 'DKV-UJI-REVIEW';

// Unit U1: two single-choice items (1 point each, cut 50%). Unit U2: one open item with a
// rubric of R1 (max 4) + R2 (max 2), cut 50%. No option shuffling, generous retakes.
export const REVIEW_EXAM = `format: 1
id: ${REVIEW_EXAM_ID}
subsector: DKV
title: Uji Tinjauan Asesor
title_en: Assessor Review Test
scheme: Skema Uji
standard: SKKNI Uji
duration_minutes: 30
validity_years: 3
retake:
  max_attempts: 20
  cooldown_days: 0
units:
  - code: U.OBJ.001
    title: Unit Objektif
    cut_score: 50
    elements:
      - id: 1
        title: Elemen satu
        kuk:
          - id: "1.1"
            text: Kriteria satu.
    pools:
      - id: P1
        draw: 2
        items:
          - id: OBJ-1
            type: single
            kuk: ["1.1"]
            prompt: Warna primer cahaya adalah?
            options:
              - id: a
                text: Merah, hijau, biru
              - id: b
                text: Merah, kuning, biru
            answer: a
          - id: OBJ-2
            type: single
            kuk: ["1.1"]
            prompt: Satuan resolusi cetak adalah?
            options:
              - id: a
                text: dpi
              - id: b
                text: fps
            answer: a
  - code: U.ESS.002
    title: Unit Esai
    cut_score: 50
    elements:
      - id: 1
        title: Elemen esai
        kuk:
          - id: "1.1"
            text: Kriteria esai.
    pools:
      - id: P2
        draw: 1
        items:
          - id: ESS-1
            type: open
            kuk: ["1.1"]
            prompt: Jelaskan prinsip hierarki visual.
            rubric:
              - id: R1
                text: Menjelaskan urutan baca
                max_points: 4
              - id: R2
                text: Memberi contoh
                max_points: 2
`;

// The review exam under another id (and a title naming it), its R1 with level descriptors (4, 2, 0 points), its
// essay prompt replaced when given, and blind marking when asked: for the marking tests.
export function markingExam(id, { blind = false, prompt } = {}) {
  let text = REVIEW_EXAM.replace(`id: ${REVIEW_EXAM_ID}`, `id: ${id}`)
    .replace('title: Uji Tinjauan Asesor', `title: Uji Tinjauan Asesor ${id}`).replace(
    '                text: Menjelaskan urutan baca\n                max_points: 4\n',
    '                text: Menjelaskan urutan baca\n                max_points: 4\n'
      + '                levels:\n'
      + '                  - {points: 4, text: Urutan baca dijelaskan runtut dengan alasan}\n'
      + '                  - {points: 2, text: Urutan baca disebut tanpa alasan}\n'
      + '                  - {points: 0, text: Urutan baca tidak dijelaskan}\n',
  );
  if (prompt) text = text.replace('prompt: Jelaskan prinsip hierarki visual.', `prompt: ${JSON.stringify(prompt)}`);
  if (blind) text = text.replace('\nunits:\n', '\nblind_marking: true\nunits:\n');
  return text;
}

// An exams directory with the subsector list and the review exam, plus any further exam
// texts given as { fileName: text }.
export function makeExamsDir(extra = {}) {
  const dir = tmpDir('ujikom-review-exams-');
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(dir, 'subsectors.yaml'));
  writeFileSync(path.join(dir, 'dkv-uji-review.exam.yaml'), REVIEW_EXAM);
  for (const [name, text] of Object.entries(extra)) writeFileSync(path.join(dir, name), text);
  return dir;
}

// A daemon over makeExamsDir(extra) with an administrator and two assessors ("Asesor Satu",
// "Asesor Dua"): { d, admin, asesor1, asesor2, stop() }; stop() ends the daemon and removes
// its data and exams directories.
export async function reviewDaemon(extra = {}) {
  const examsDir = makeExamsDir(extra);
  const d = await startDaemon({ examsDir });
  return {
    d,
    admin: await adminClient(d),
    asesor1: await assessorClient(d, 'Asesor Satu'),
    asesor2: await assessorClient(d, 'Asesor Dua'),
    async stop() {
      await stopClean(d);
      d.cleanup();
      rmSync(examsDir, { recursive: true, force: true });
    },
  };
}

// Starts an attempt of exam (default the review exam), answers (objective items right or
// wrong, the essay), submits.
// Returns the attempt id; the attempt then awaits review (verdict PENDING).
export async function finishedAttempt(cand, {
  objectiveRight = true, exam = REVIEW_EXAM_ID,
  essay = 'Hierarki visual mengatur urutan baca: judul besar, subjudul, lalu isi.',
} = {}) {
  const s = await cand.post(`/api/exams/${exam}/attempts`, {});
  assert.ok(s.status === 201 || s.status === 200, `start: ${s.status} ${s.text}`);
  const id = s.json.id ?? s.json.attempt?.id;
  assert.ok(id, `attempt id in ${s.text}`);
  for (const [item, value] of [
    ['OBJ-1', objectiveRight ? 'a' : 'b'],
    ['OBJ-2', objectiveRight ? 'a' : 'b'],
    ['ESS-1', essay],
  ]) {
    const a = await cand.put(`/api/attempts/${id}/answers/${item}`, { value });
    assert.equal(a.status, 200, `save ${item}: ${a.text}`);
  }
  const sub = await cand.post(`/api/attempts/${id}/submit`, {});
  assert.equal(sub.status, 200, `submit: ${sub.text}`);
  return id;
}

// A new candidate named name on daemon d who starts exam and submits it as it is (the
// written part done, a demonstration left to observe): { cand, id }.
export async function submittedAttempt(d, exam, name) {
  const cand = await candidateClient(d, name);
  const s = await cand.post(`/api/exams/${exam}/attempts`, {});
  assert.equal(s.status, 201, s.text);
  const id = s.json.id;
  assert.equal((await cand.post(`/api/attempts/${id}/submit`, {})).status, 200);
  return { cand, id };
}

export const FULL_MARKS = { 'ESS-1': { criteria: { R1: 4, R2: 2 }, comment: 'Lengkap.' } };
export const LOW_MARKS = { 'ESS-1': { criteria: { R1: 1, R2: 0 }, comment: 'Kurang contoh.' } };
