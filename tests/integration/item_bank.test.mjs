// Item banks end to end: a real exam from exams/ exported to QTI 3.0 with the CLI and the API
// and imported back equals the exam item for item (both read by an independent YAML parser,
// the package also by Python's zipfile + xml); the Moodle XML, GIFT and Aiken samples and the
// Excel template import over the API with every question accounted for; the template read
// back by an independent reader holds only text cells; bad input (a DOCTYPE, malformed XML,
// XLSX and zip, a formula cell, 50,000 rows, bad options, the wrong role) gets clear answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

import {
  startDaemon, stopClean, adminClient, candidateClient, cli, SOURCE_DIR, EXAMS_DIR,
} from './lib/daemon.mjs';
import { xlsxWrite, xlsxRead } from './lib/schedules.mjs';

const EXAM = 'FSN-PBW-JR';
const EXAM_FILE = path.join(EXAMS_DIR, 'fsn-penjahit-busana-wanita.exam.yaml');
const DATA = path.join(SOURCE_DIR, 'tests/data/itembank');
let d;
let admin;
let tmp;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ujikom-itembank-'));
  d = await startDaemon();
  admin = await adminClient(d);
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function importFile(client, body, query) {
  const q = new URLSearchParams(query).toString();
  return client.req('POST', `/api/admin/item-bank/import?${q}`, body, {
    headers: { 'Content-Type': 'application/octet-stream' }, raw: true,
  });
}

// The exam's items by id, as an independent YAML parser reads the exam file.
function examItems() {
  const exam = YAML.parse(readFileSync(EXAM_FILE, 'utf8'));
  const items = new Map();
  for (const u of exam.units) {
    for (const p of u.pools || []) {
      for (const it of p.items) items.set(it.id, { ...it, unit: u.code, pool: p.id });
    }
  }
  return items;
}

// The fields QTI carries, normalised as the exam format defines its defaults.
function canonical(it) {
  const c = {
    id: it.id, type: it.type, kuk: it.kuk.map(String), prompt: it.prompt,
    options: it.options || null, explanation: it.explanation ?? null,
  };
  if (it.type === 'open') {
    c.rubric = it.rubric.map((r) => ({
      id: r.id, text: r.text, max_points: Number(r.max_points),
      levels: (r.levels || []).map((l) => ({ points: Number(l.points), text: l.text })),
    }));
  } else {
    c.points = Number(it.points ?? 1);
    if (it.type === 'numeric') {
      c.answer = {
        value: Number(it.answer.value), tolerance: Number(it.answer.tolerance ?? 0),
        unit: it.answer.unit ?? null,
      };
    } else if (it.type === 'truefalse') {
      c.answer = it.answer === true || it.answer === 'true';
    } else {
      c.answer = it.answer;
    }
  }
  return c;
}

function assertEqualItems(fragment, label) {
  const want = examItems();
  const got = YAML.parse(fragment).items;
  let compared = 0;
  for (const it of got) {
    const w = want.get(it.id);
    assert.ok(w, `${label}: ${it.id} is not an item of the exam`);
    assert.deepEqual(canonical(it), canonical(w), `${label}: item ${it.id}`);
    compared++;
  }
  const exported = [...want.values()].filter((w) => w.type !== 'evidence').length;
  assert.equal(compared, exported, `${label}: every item but evidence came back`);
  return compared;
}

test('CLI: exams export-qti then items import --format qti gives the exam back item for item', () => {
  const zip = path.join(tmp, 'fsn.zip');
  const out = cli(['exams', 'export-qti', '--exams-dir', EXAMS_DIR, EXAM, zip]);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stderr, /45 items exported, 1 not exported/);
  assert.match(out.stderr, /evidence item: not exported/);
  // An independent reader of the package: the manifest and every item's root and namespace.
  const py = spawnSync('python3', ['-c', `
import sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
m = ET.fromstring(z.read('imsmanifest.xml'))
ns = '{http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1}'
res = m.findall(f'.//{ns}resource')
items = [r.get('href') for r in res if r.get('type') == 'imsqti_item_xmlv3p0']
tests = [r.get('href') for r in res if r.get('type') == 'imsqti_test_xmlv3p0']
for h in items:
    root = ET.fromstring(z.read(h))
    assert root.tag == '{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}qti-assessment-item', root.tag
t = ET.fromstring(z.read(tests[0]))
refs = t.findall('.//{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}qti-assessment-item-ref')
print(len(items), len(tests), len(refs))
`, zip], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  assert.equal(py.stdout.trim(), '45 1 45');
  const back = cli(['items', 'import', '--format', 'qti', zip]);
  assert.equal(back.status, 0, back.stderr);
  assert.match(back.stderr, /^item 1: FSN-PBW-001 single$/m);
  assert.match(back.stderr, /45 imported, 0 not mapped/);
  assert.equal(assertEqualItems(back.stdout, 'cli'), 45);
});

test('API: export QTI, import it back, equal item for item', async () => {
  const r = await admin.get(`/api/admin/exams/${EXAM}/qti.zip`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/zip');
  assert.equal(r.headers.get('x-items-not-exported'), '1');
  assert.match(r.headers.get('content-disposition'), /FSN-PBW-JR-qti3\.zip/);
  const imp = await importFile(admin, r.body, { format: 'qti', file: 'fsn.zip' });
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.mapped, 45);
  assert.equal(imp.json.unmapped, 0);
  assert.equal(imp.json.entries[0].where, 'item 1');
  const items = examItems();
  for (const e of imp.json.entries) {
    const w = items.get(e.item_id);
    assert.equal(e.category, `${w.unit} / ${w.pool}`, `${e.item_id} in its unit's section`);
  }
  assert.equal(assertEqualItems(imp.json.yaml, 'api'), 45);
  assert.equal((await admin.get('/api/admin/exams/NO-SUCH-EXAM/qti.zip')).status, 404);
});

test('API: the Moodle XML, GIFT and Aiken samples import with every question accounted for', async () => {
  const moodle = await importFile(admin, readFileSync(path.join(DATA, 'sample.moodle.xml')), {
    format: 'moodle', prefix: 'MDL', kuk: '1.1, 1.2',
  });
  assert.equal(moodle.status, 200, moodle.text);
  assert.equal(moodle.json.mapped, 7);
  assert.equal(moodle.json.unmapped, 6);
  const lines = moodle.json.entries.map((e) => `${e.where}: ${e.item_id ?? '-'} ${e.note ?? ''}`.trim());
  assert.deepEqual(lines, [
    'line 8: MDL-001 HTML markup removed (the text is kept)',
    "line 18: MDL-002 answer fractions replaced by ujikom's partial credit",
    'line 26: MDL-003',
    'line 32: MDL-004 partial-credit short answers dropped',
    'line 40: MDL-005 HTML markup removed (the text is kept)',
    'line 46: MDL-006 essay: a one-criterion placeholder rubric (1 point) was added; write the real one',
    'line 50: MDL-007',
    'line 57: - matching question: ujikom has no matching item type',
    'line 63: - description: nothing to answer',
    'line 67: - cloze (embedded answers): ujikom items have one answer; split it into questions',
    'line 71: - no answer earns full marks',
    'line 78: - an accepted answer uses the * wildcard (ujikom matches whole answers)',
    'line 83: - calculated question: ujikom has no computed answers',
  ]);
  const frag = YAML.parse(moodle.json.yaml).items;
  assert.deepEqual(frag[0].kuk, ['1.1', '1.2']);
  assert.equal(frag[4].prompt, 'Kelonggaran lingkar pinggang (cm)?'); // no <script>, no markup
  for (const [format, file] of [['gift', 'sample.gift.txt'], ['aiken', 'sample.aiken.txt']]) {
    const r = await importFile(admin, readFileSync(path.join(DATA, file)), { format });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.mapped > 0, format);
    assert.equal(r.json.entries.length, r.json.mapped + r.json.unmapped, format);
    for (const e of r.json.entries) {
      assert.match(e.where, /^line \d+$/);
      assert.ok(e.item_id || e.note, `${format} ${e.where}: mapped or a reason`);
    }
    assert.equal(YAML.parse(r.json.yaml).items.length, r.json.mapped, format);
  }
});

test('API: the Excel template, read back by an independent reader, imports as it is', async () => {
  const r = await admin.get('/api/admin/item-bank/template.xlsx');
  assert.equal(r.status, 200);
  const sheets = xlsxRead(r.body);
  const rows = sheets.Soal;
  assert.deepEqual(rows[0].map((c) => c.v).slice(0, 4), ['unit', 'kuk', 'type', 'question']);
  for (const row of Object.values(sheets).flat()) {
    for (const c of row) assert.equal(c.f, null, `no formula in ${JSON.stringify(c)}`);
  }
  assert.ok(sheets.Petunjuk.length > 10);
  const imp = await importFile(admin, r.body, { format: 'xlsx', prefix: 'TPL', kuk: '1.1,1.2' });
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.mapped, 7);
  assert.equal(imp.json.unmapped, 0);
  assert.deepEqual(imp.json.entries.map((e) => e.where), ['row 2', 'row 3', 'row 4', 'row 5', 'row 6', 'row 7', 'row 8']);
});

test('API: bad input gets clear answers and nothing else', async () => {
  const xxe = '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + '<quiz><question type="essay"><questiontext><text>&x;</text></questiontext></question></quiz>';
  let r = await importFile(admin, xxe, { format: 'moodle', file: 'xxe.xml' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error, 'import_refused');
  assert.match(r.json.problems[0].message, /^xxe\.xml:1:\d+: the document declares a document type/);
  const laughs = '<!DOCTYPE q [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>';
  r = await importFile(admin, laughs, { format: 'moodle' });
  assert.equal(r.status, 422);
  r = await importFile(admin, '<quiz><question type="essay">', { format: 'moodle' });
  assert.equal(r.status, 422);
  assert.match(r.json.problems[0].message, /malformed XML: no element found/);
  r = await importFile(admin, Buffer.from('PK\x03\x04 not really a zip'), { format: 'xlsx' });
  assert.equal(r.status, 422);
  assert.match(r.json.problems[0].message, /not an XLSX workbook/);
  r = await importFile(admin, Buffer.from('PK\x03\x04 not really a zip'), { format: 'qti' });
  assert.equal(r.status, 422);
  assert.match(r.json.problems[0].message, /not a QTI package/);
  // A formula cell is text, never evaluated: its row is refused with the cell named.
  const wb = xlsxWrite([
    ['type', 'question', 'option A', 'option B', 'key'],
    ['single', { formula: 'HYPERLINK("http://x.example","klik")', value: 'klik' }, 'a', 'b', 'A'],
    ['truefalse', '=1+1 ditulis sebagai teks', '', '', 'TRUE'],
  ]);
  r = await importFile(admin, wb, { format: 'xlsx' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.entries[0].where, 'row 2');
  assert.match(r.json.entries[0].note, /^cell B2 holds a formula: formulas are never evaluated/);
  assert.equal(YAML.parse(r.json.yaml).items[0].prompt, '=1+1 ditulis sebagai teks');
  // 50,000 rows: refused as a whole.
  const many = [['type', 'question', 'key']];
  for (let i = 0; i < 50000; i++) many.push(['truefalse', `Soal ${i}`, 'TRUE']);
  r = await importFile(admin, xlsxWrite(many), { format: 'xlsx' });
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.problems[0].message, /more than 5000 question rows/);
  r = await importFile(admin, 'x', { format: 'docx' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'invalid_field');
  r = await importFile(admin, 'x', { format: 'gift', prefix: 'bad prefix!' });
  assert.equal(r.status, 400);
  r = await importFile(admin, 'x', { format: 'gift', kuk: 'satu' });
  assert.equal(r.status, 400);
  r = await admin.req('POST', '/api/admin/item-bank/import?format=gift', '', { raw: true });
  assert.equal(r.status, 400);
  const cand = await candidateClient(d);
  r = await importFile(cand, 'Soal {T}', { format: 'gift' });
  assert.equal(r.status, 403);
  assert.equal((await cand.get(`/api/admin/exams/${EXAM}/qti.zip`)).status, 403);
});
