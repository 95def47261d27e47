// Test events for the tests: XLSX files written and read by Python's standard library
// (tests/tools/xlsx_tool.py, a reader independent of the service's), windows around the
// present time in an Indonesian zone, and schedules made through the API.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { SOURCE_DIR } from './daemon.mjs';

const TOOL = path.join(SOURCE_DIR, 'tests/tools/xlsx_tool.py');

function python(args, input) {
  const r = spawnSync('python3', [TOOL, ...args], { input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`xlsx_tool ${args[0]}: ${r.stderr}`);
  return r.stdout;
}

// An XLSX workbook (a Buffer) whose first sheet holds rows (see xlsx_tool.py for cells).
export function xlsxWrite(rows, opts = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ujikom-xlsx-'));
  try {
    const out = path.join(dir, 'in.xlsx');
    python(['write', out], JSON.stringify({ rows, ...opts }));
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Every sheet of an XLSX (a Buffer): { name: [[{t, v, f}]] }.
export function xlsxRead(buf) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ujikom-xlsx-'));
  try {
    const file = path.join(dir, 'out.xlsx');
    writeFileSync(file, buf);
    return JSON.parse(python(['read', file]).toString('utf8')).sheets;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const OFFSETS = { WIB: 7, WITA: 8, WIT: 9 };
const pad = (n) => String(n).padStart(2, '0');

// A window from `fromMin` to `toMin` minutes around now in the first Indonesian zone where
// both ends fall on the same local day: { time_zone, date, opens, closes }.
export function windowAround(fromMin, toMin, now = Date.now()) {
  for (const [zone, h] of Object.entries(OFFSETS)) {
    const a = new Date(now + h * 3600e3 + fromMin * 60e3);
    const b = new Date(now + h * 3600e3 + toMin * 60e3);
    if (a.toISOString().slice(0, 10) === b.toISOString().slice(0, 10)) {
      return {
        time_zone: zone,
        date: a.toISOString().slice(0, 10),
        opens: `${pad(a.getUTCHours())}:${pad(a.getUTCMinutes())}`,
        closes: `${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}`,
      };
    }
  }
  throw new Error('no zone holds the window on one day');
}

// Creates a schedule of exam through the API and returns its JSON.
export async function createSchedule(admin, exam, window, extra = {}) {
  const r = await admin.post('/api/schedules', {
    exam_id: exam, title: 'Uji Kompetensi Batch 1', tuk_name: 'TUK Gedung Kreatif',
    tuk_address: 'Jl. Braga 10, Bandung', capacity: 40, ...window, ...extra,
  });
  if (r.status !== 201) throw new Error(`schedule: ${r.status} ${r.text}`);
  return r.json.schedule;
}

// n candidate rows [name, email] with unique addresses under tag.
export function candidateRows(n, tag) {
  const names = ['Siti Rahmawati', 'I Made Putra', 'Dewi Lestari', 'Agus Salim', 'Rina Wulandari',
    'Budi Santoso', 'Nur Aini', 'Yohanes Tanoto', 'Ketut Ayu', 'Fajar Nugroho'];
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push([`${names[i % names.length]} ${i + 1}`, `${tag}.${i + 1}.${Date.now()}@example.org`]);
  }
  return rows;
}

// Makes the applications of the candidates (their e-mails) for exam the assessors' to read
// and decide: a schedule of exam, open now, with the assessors (ids) assigned and the
// candidates enrolled. Returns the schedule.
export async function assignApplications(admin, exam, assessorIds, emails) {
  const s = await createSchedule(admin, exam, windowAround(-30, 180), { assessors: assessorIds });
  const csv = `nama,email\n${emails.map((e, i) => `Peserta ${i + 1},${e}`).join('\n')}\n`;
  const r = await admin.req('POST', `/api/schedules/${s.id}/import?commit=1`, csv,
    { headers: { 'Content-Type': 'text/csv' }, raw: true });
  if (r.status !== 201) throw new Error(`enrol: ${r.status} ${r.text}`);
  return s;
}

// The id of the account a client is logged in as.
export async function userId(client) {
  return (await client.get('/api/auth/me')).json.user.id;
}
