// The candidate's side of issue 16 over HTTP: numbers typed the Indonesian or English way are
// read by the server (refused with a reason where a reading would be a guess, the stored
// answer left as it was), flags for review kept with the attempt, and the favicon.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import { startDaemon, candidateClient, stopClean } from './lib/daemon.mjs';
import { makeNumExamsDir, NUM_EXAM_ID } from './lib/candidate.mjs';

let d, examsDir;

before(async () => {
  examsDir = makeNumExamsDir();
  d = await startDaemon({ examsDir });
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (examsDir) rmSync(examsDir, { recursive: true, force: true });
});

async function started(c) {
  const s = await c.post(`/api/exams/${NUM_EXAM_ID}/attempts`, {});
  assert.equal(s.status, 201, s.text);
  return s.json.id;
}

test('numbers as typed: read once by the server, refused with a reason, never guessed', async () => {
  const c = await candidateClient(d, 'Dewi Angka');
  const id = await started(c);
  const put = (item, value) => c.put(`/api/attempts/${id}/answers/${item}`, { value });
  const answers = async () => (await c.get(`/api/attempts/${id}`)).json.answers;

  // "30.000" in a whole-number item is thirty thousand, stored as the number.
  let r = await put('HARGA', '30.000');
  assert.equal(r.status, 200, r.text);
  assert.equal((await answers()).HARGA, 30000);
  // Words are refused with their own error; the saved value stays as it was.
  r = await put('HARGA', 'tiga puluh ribu');
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error, 'number_not_digits');
  assert.equal((await answers()).HARGA, 30000);
  for (const [text, value] of [['30,000', 30000], ['1.234.567', 1234567], [' 30000 ', 30000]]) {
    r = await put('HARGA', text);
    assert.equal(r.status, 200, `${text}: ${r.text}`);
    assert.equal((await answers()).HARGA, value, text);
  }
  // Decimals: Indonesian comma, English point, both marks.
  for (const [text, value] of [['2,5', 2.5], ['2.5', 2.5], ['1.234,5', 1234.5], ['1,234.5', 1234.5]]) {
    r = await put('PANJANG', text);
    assert.equal(r.status, 200, `${text}: ${r.text}`);
    assert.equal((await answers()).PANJANG, value, text);
  }
  // A lone group of three where decimals are allowed: thousands or decimals? Refused.
  for (const [text, error] of [['1.234', 'number_ambiguous'], ['2,500', 'number_ambiguous'],
    ['1.2.3', 'number_separators'], ['2,5 m', 'number_separators'], ['1e3', 'number_not_digits'],
    ['1234567890123456', 'number_too_long']]) {
    r = await put('PANJANG', text);
    assert.equal(r.status, 400, `${text}: ${r.text}`);
    assert.equal(r.json.error, error, text);
    assert.equal(typeof r.json.message, 'string');
  }
  assert.equal((await answers()).PANJANG, 1234.5, 'a refused save leaves the stored answer');
  // A JSON number is still an answer, as before.
  r = await put('PANJANG', 2.5);
  assert.equal(r.status, 200, r.text);

  // Scored from what was read: 30000 and 2.5 are right.
  await put('WARNA', true);
  await put('DPI', 'DPI');
  r = await put('HARGA', '30.000');
  assert.equal(r.status, 200);
  const sub = await c.post(`/api/attempts/${id}/submit`, {});
  assert.equal(sub.status, 200, sub.text);
  const res = await c.get(`/api/attempts/${id}/result`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.units[0].earned, 4, res.text);
  assert.equal(res.json.verdict, "K", res.text);
});

test('flags for review are kept with the attempt, for its candidate, while it is open', async () => {
  const c = await candidateClient(d, 'Rina Tanda');
  const id = await started(c);
  const flag = (item, flagged, who = c) => who.put(`/api/attempts/${id}/flags/${item}`, { flagged });

  let r = await flag('HARGA', true);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { item: 'HARGA', flagged: true });
  assert.equal((await flag('HARGA', true)).status, 200, 'idempotent');
  assert.equal((await flag('DPI', true)).status, 200);
  assert.deepEqual((await c.get(`/api/attempts/${id}`)).json.flags, ['DPI', 'HARGA']);
  assert.equal((await flag('DPI', false)).status, 200);
  assert.deepEqual((await c.get(`/api/attempts/${id}`)).json.flags, ['HARGA']);

  // Hostile and foreign requests change nothing.
  assert.equal((await flag('NOPE', true)).status, 400);
  r = await c.put(`/api/attempts/${id}/flags/HARGA`, { flagged: 'yes' });
  assert.equal(r.status, 400, r.text);
  r = await c.put(`/api/attempts/${id}/flags/HARGA`, { flagged: false, extra: 1 });
  assert.equal(r.status, 400, r.text);
  const other = await candidateClient(d, 'Orang Lain');
  assert.equal((await flag('HARGA', false, other)).status, 404);
  assert.deepEqual((await c.get(`/api/attempts/${id}`)).json.flags, ['HARGA']);

  // The page shows it to a browser without the script: the item is marked, its button unflags.
  const page = await c.get(`/attempts/${id}`);
  assert.match(page.text, /id="item-HARGA"[^>]*data-flagged[^]*?<button name=unflag value=\d+>/);
  assert.match(page.text, /id="item-DPI"[^>]*>[^]*?<button name=flag value=\d+>/);
  // Its button posts the item's position (fields are named by position); the flag flips and
  // the page comes back at the item.
  const pos = Number(page.text.match(/id="item-DPI"[^>]*>[^]*?<button name=flag value=(\d+)>/)[1]);
  const csrf = page.text.match(/name="csrf" value="([^"]+)"/)[1];
  const post = await c.req('POST', `/attempts/${id}/save`, new URLSearchParams({ csrf, flag: String(pos) }).toString(),
    { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, raw: true });
  assert.equal(post.status, 303, post.text);
  assert.equal(post.headers.get('location'), `/attempts/${id}?saved=1#item-DPI`);
  assert.deepEqual((await c.get(`/api/attempts/${id}`)).json.flags, ['DPI', 'HARGA']);
  const bad = await c.req('POST', `/attempts/${id}/save`, new URLSearchParams({ csrf, flag: '99' }).toString(),
    { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, raw: true });
  assert.equal(bad.status, 400);
  assert.deepEqual((await c.get(`/api/attempts/${id}`)).json.flags, ['DPI', 'HARGA']);

  // Once submitted, flags are closed with the attempt.
  assert.equal((await c.post(`/api/attempts/${id}/submit`, {})).status, 200);
  assert.equal((await flag('DPI', true)).status, 409);
});

test('an exam without a test site has no time_zone in its details', async () => {
  const r = await fetch(`${d.url}/api/exams/${NUM_EXAM_ID}`);
  assert.equal(r.status, 200);
  assert.equal('time_zone' in (await r.json()), false);
});

test('/favicon.ico is an icon, cached', async () => {
  const r = await fetch(`${d.url}/favicon.ico`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^image\//);
  assert.match(r.headers.get('cache-control') || '', /max-age=\d+/);
  assert.ok((await r.arrayBuffer()).byteLength > 0);
});
