// Answer keys read straight from exams/*.exam.yaml (with the `yaml` package), so the
// integration tests answer every shipped exam the way a competent candidate would, and a
// wrong way, without any test-only endpoint in the daemon.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

// Every shipped exam: { file, exam, items: Map(itemId -> item with .unit) }.
export function loadExams(examsDir) {
  return readdirSync(examsDir)
    .filter((f) => f.endsWith('.exam.yaml'))
    .sort()
    .map((f) => {
      const exam = YAML.parse(readFileSync(path.join(examsDir, f), 'utf8'));
      const items = new Map();
      for (const unit of exam.units) {
        for (const pool of unit.pools ?? []) {
          for (const item of pool.items) items.set(String(item.id), { ...item, unit: String(unit.code) });
        }
      }
      // Units the assessor observes at the test site (assessment: observation): no items,
      // pending until their observation sheet is recorded.
      const observed = new Set(exam.units.filter((u) => u.assessment === 'observation').map((u) => String(u.code)));
      return { file: f, exam, items, observed };
    });
}

// The answer that earns full points.
export function correctValue(item) {
  switch (item.type) {
    case 'single': return String(item.answer);
    case 'multiple': return item.answer.map(String);
    case 'truefalse': return item.answer === true;
    case 'numeric': return Number(item.answer.value);
    case 'short': return `  ${String(item.answer[0]).toUpperCase()} `; // case and spaces do not matter
    case 'ordering': return item.answer.map(String);
    case 'open': return 'Uraian jawaban asesi: langkah kerja dijelaskan berurutan.';
    default: throw new Error(`unknown type ${item.type}`);
  }
}

// An answer that earns nothing.
export function wrongValue(item) {
  const ids = (item.options || []).map((o) => String(o.id));
  switch (item.type) {
    case 'single': return ids.find((id) => id !== String(item.answer));
    case 'multiple': {
      const wrong = ids.filter((id) => !item.answer.map(String).includes(id));
      return wrong.length ? wrong : [];
    }
    case 'truefalse': return item.answer !== true;
    case 'numeric': return Number(item.answer.value) + Number(item.answer.tolerance || 0) + 1000;
    case 'short': return 'jawaban yang sama sekali keliru';
    case 'ordering': {
      const key = item.answer.map(String);
      const rev = [...key].reverse();
      return rev.join() === key.join() ? [] : rev;
    }
    case 'open': return 'Tidak tahu.';
    default: throw new Error(`unknown type ${item.type}`);
  }
}

// Texts that must never reach a candidate: explanations, accepted short answers, and the
// numeric/ordering/multiple keys as JSON fragments. Texts that also appear in what the
// candidate legitimately sees (prompts, options, titles) are left out, since finding them
// proves nothing.
export function secretTexts(entry) {
  const visible = [];
  const { exam } = entry;
  visible.push(exam.title, exam.title_en, exam.scheme, exam.standard, exam.description || '');
  for (const unit of exam.units) {
    visible.push(unit.title, unit.title_en || '');
    for (const el of unit.elements) {
      visible.push(el.title);
      for (const k of el.kuk) visible.push(k.text);
    }
  }
  for (const item of entry.items.values()) {
    visible.push(item.prompt);
    for (const o of item.options || []) visible.push(o.text);
    for (const r of item.rubric || []) visible.push(r.text);
  }
  const seen = visible.join('\n').toLowerCase();
  const secrets = [];
  for (const item of entry.items.values()) {
    if (item.explanation && !seen.includes(String(item.explanation).toLowerCase())) secrets.push(String(item.explanation));
    if (item.type === 'short') {
      for (const a of item.answer) {
        const s = String(a);
        if (s.length >= 4 && !seen.includes(s.toLowerCase())) secrets.push(s);
      }
    }
  }
  return secrets;
}

// JSON keys that only answer keys and rubric weights would use.
export const SECRET_KEYS = ['answer', 'accepted', 'tolerance', 'explanation', 'max_points', 'key', 'accepted_norm'];

// Every object key anywhere in a JSON value.
export function allKeys(v, out = new Set()) {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) { out.add(k); allKeys(x, out); }
  }
  return out;
}

// Starts an exam and saves every answer right, without submitting; returns the attempt id.
export async function answerAll(c, entry) {
  const start = await c.post(`/api/exams/${entry.exam.id}/attempts`);
  assert.equal(start.status, 201, `start ${entry.exam.id}: ${start.status} ${start.text}`);
  const id = start.json.id;
  const got = await c.get(`/api/attempts/${id}`);
  for (const u of got.json.form.units) {
    for (const it of u.items) {
      const r = await c.put(`/api/attempts/${id}/answers/${encodeURIComponent(it.id)}`,
        { value: correctValue(entry.items.get(it.id)) });
      assert.equal(r.status, 200, `save ${it.id}: ${r.text}`);
    }
  }
  return id;
}

// Takes an exam with every answer right; returns the attempt id (verdict K).
export async function passExam(c, entry) {
  const id = await answerAll(c, entry);
  const submit = await c.post(`/api/attempts/${id}/submit`);
  assert.equal(submit.status, 200, submit.text);
  assert.equal(submit.json.verdict, 'K', `${entry.exam.id}: ${submit.text}`);
  return id;
}
