// Shared by the candidate integration and browser tests: a small exam with a whole-number
// numeric item (30000 rupiah), one that allows decimals (2.5 m), a true/false and a short item,
// with a waiting period after BK, in an exams directory of its own.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { tmpDir, EXAMS_DIR } from './daemon.mjs';

export const NUM_EXAM_ID = 'DKV-UJI-ANGKA';

export const NUM_EXAM = `format: 1
id: ${NUM_EXAM_ID}
subsector: DKV
title: Uji Angka
title_en: Numbers Test
scheme: Skema Uji Angka
standard: SKKNI Uji
duration_minutes: 30
validity_years: 3
retake:
  max_attempts: 3
  cooldown_days: 7
units:
  - code: U.NUM.001
    title: Unit Hitung
    cut_score: 75
    elements:
      - id: 1
        title: Menghitung biaya
        kuk:
          - id: "1.1"
            text: Biaya dihitung dengan benar.
    pools:
      - id: P1
        draw: 4
        items:
          - id: HARGA
            type: numeric
            kuk: ["1.1"]
            prompt: Satu rim kertas Rp15.000. Berapa rupiah harga dua rim?
            answer: {value: 30000, unit: rupiah}
          - id: PANJANG
            type: numeric
            kuk: ["1.1"]
            prompt: Kain 5 m dipotong menjadi dua bagian sama panjang. Berapa meter setiap bagian?
            answer: {value: 2.5, tolerance: 0.01, unit: m}
          - id: WARNA
            type: truefalse
            kuk: ["1.1"]
            prompt: Merah, hijau dan biru adalah warna primer cahaya.
            answer: true
          - id: DPI
            type: short
            kuk: ["1.1"]
            prompt: Tulis singkatan satuan resolusi cetak (titik per inci).
            answer: [dpi]
`;

// An exams directory with the subsector list and the numbers exam.
export function makeNumExamsDir() {
  const dir = tmpDir('ujikom-num-exams-');
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(dir, 'subsectors.yaml'));
  writeFileSync(path.join(dir, 'dkv-uji-angka.exam.yaml'), NUM_EXAM);
  return dir;
}
