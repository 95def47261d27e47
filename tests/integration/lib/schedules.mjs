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

// Hours ahead of UTC of each Indonesian zone a schedule may be in.
export const ZONE_OFFSETS = { WIB: 7, WITA: 8, WIT: 9 };
const pad = (n) => String(n).padStart(2, '0');

// A window from about `fromMin` to `toMin` minutes around now, in the Indonesian zone that
// keeps most of it within one local day: { time_zone, date, opens, closes }. A schedule's
// window lies within one day, so near midnight in every zone the window is moved or cut to
// fit, keeping its side of now: a window around now still holds now with MARGIN_MIN minutes
// each side (or what was asked, if less), a later one still opens at least MARGIN_MIN minutes
// from now, an earlier one has closed at least as long ago, and at least MARGIN_MIN minutes
// of it are left. With three zones an hour apart that can be met at every time of day for
// windows of up to four hours within four hours of now.
const MARGIN_MIN = 20;
const DAY_MIN = 24 * 60;

function fitWindow(fromMin, toMin, dayFrom, dayTo) {
  let from = fromMin;
  let to = toMin;
  if (fromMin >= 0) { // later: moved earlier, if need be, but not closer to now than the margin
    const shift = Math.max(0, to - dayTo);
    to -= shift;
    from = Math.max(Math.min(fromMin, MARGIN_MIN), from - shift);
  } else if (toMin <= 0) { // earlier: moved later, if need be, likewise
    const shift = Math.max(0, dayFrom - from);
    from += shift;
    to = Math.min(Math.max(toMin, -MARGIN_MIN), to + shift);
  } else { // around now: cut at the day's edges
    from = Math.max(from, dayFrom);
    to = Math.min(to, dayTo);
    if (-from < Math.min(MARGIN_MIN, -fromMin) || to < Math.min(MARGIN_MIN, toMin)) return null;
  }
  if (from < dayFrom || to > dayTo || to - from < Math.min(MARGIN_MIN, toMin - fromMin)) return null;
  return { from, to };
}

export function windowAround(fromMin, toMin, now = Date.now()) {
  if (!(fromMin < toMin)) throw new Error(`bad window ${fromMin}..${toMin}`);
  let best = null;
  for (const [zone, h] of Object.entries(ZONE_OFFSETS)) {
    const local = new Date(now + h * 3600e3);
    const nowMin = local.getUTCHours() * 60 + local.getUTCMinutes();
    const fit = fitWindow(fromMin, toMin, -nowMin, DAY_MIN - 1 - nowMin);
    if (!fit) continue;
    const kept = fit.to - fit.from;
    const moved = Math.abs(fit.from - fromMin) + Math.abs(fit.to - toMin);
    if (best && (kept < best.kept || (kept === best.kept && moved >= best.moved))) continue;
    const a = new Date(local.getTime() + fit.from * 60e3);
    const b = new Date(local.getTime() + fit.to * 60e3);
    best = {
      kept, moved,
      window: {
        time_zone: zone,
        date: local.toISOString().slice(0, 10),
        opens: `${pad(a.getUTCHours())}:${pad(a.getUTCMinutes())}`,
        closes: `${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}`,
      },
    };
  }
  if (!best) {
    throw new Error(`no zone holds a window ${fromMin}..${toMin} min around ${new Date(now).toISOString()}`);
  }
  return best.window;
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
