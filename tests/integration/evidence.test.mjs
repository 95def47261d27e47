// Evidence uploads end to end: the resumable protocol (durable offset, replayed and
// out-of-order chunks, completion), content addressing (the stored file's SHA-256 is the
// original's, in the answer), how files are served (never as active content), hostile files
// refused with nothing kept, and who may read a file (others get 404).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { candidateClient, Client } from './lib/daemon.mjs';
import { reviewDaemon } from './lib/reviews.mjs';
import { sql, haveSqliteCli } from './lib/reliability.mjs';
import {
  EVID_EXAM, TINY_JPEG, png, sha256, createUpload, putChunk, uploadFile, evidenceAttempt,
} from './lib/evidence.mjs';

let ctx;
let d;

before(async () => {
  ctx = await reviewDaemon({ 'dkv-uji-bukti.exam.yaml': EVID_EXAM });
  ({ d } = ctx);
});

after(async () => {
  if (ctx) await ctx.stop();
});

test('chunks resume at the durable offset; replays are idempotent, gaps refused; the file is content-addressed', async () => {
  const cand = await candidateClient(d, 'Dewi Lestari');
  const id = await evidenceAttempt(cand);
  const bytes = png(400, 300, { noise: true });
  const c = await createUpload(cand, id, 'EV-1', bytes, 'poster.png', { sha256: sha256(bytes) });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.offset, 0);
  assert.equal(c.json.state, 'open');
  const up = `/api/uploads/${c.json.id}`;
  const third = Math.floor(bytes.length / 3);

  let r = await putChunk(cand, c.json.id, bytes, 0, third);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.offset, third);
  assert.equal(r.headers.get('upload-offset'), String(third));

  // the same chunk again (a retry after a lost answer): accepted, nothing changes
  r = await putChunk(cand, c.json.id, bytes, 0, third);
  assert.equal(r.status, 200, `replay: ${r.text}`);
  assert.equal(r.json.offset, third);
  // other bytes at a stored offset: refused with where to resume
  const other = Buffer.from(bytes.subarray(0, third));
  other[5] ^= 0xff;
  r = await cand.req('PUT', up, other, {
    headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' },
  });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'upload_offset');
  assert.equal(r.headers.get('upload-offset'), String(third));
  // a chunk past the durable offset (out of order): refused
  r = await putChunk(cand, c.json.id, bytes, 2 * third, bytes.length);
  assert.equal(r.status, 409, r.text);
  assert.equal(r.headers.get('upload-offset'), String(third));
  // bad offsets and types
  for (const off of ['-1', 'abc', '1e3', '']) {
    r = await cand.req('PUT', up, bytes.subarray(third, third + 10), {
      headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': off },
    });
    assert.equal(r.status, 400, `offset ${JSON.stringify(off)}: ${r.text}`);
  }
  r = await cand.req('PUT', up, 'x', { headers: { 'Content-Type': 'text/plain', 'Upload-Offset': String(third) } });
  assert.equal(r.status, 415, r.text);

  // completing early: refused, nothing served
  r = await cand.post(`${up}/complete`, {});
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'upload_incomplete');
  assert.equal((await cand.get(`/api/attempts/${id}/evidence/${sha256(bytes)}`)).status, 404);

  // HEAD tells where to resume
  r = await cand.req('HEAD', up);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('upload-offset'), String(third));
  assert.equal(r.headers.get('upload-length'), String(bytes.length));

  r = await putChunk(cand, c.json.id, bytes, third, bytes.length);
  assert.equal(r.status, 200, r.text);
  // past the declared size: refused
  r = await putChunk(cand, c.json.id, Buffer.concat([bytes, Buffer.from('zz')]), bytes.length, bytes.length + 2);
  assert.equal(r.status, 413, r.text);

  r = await cand.post(`${up}/complete`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sha256, sha256(bytes));
  assert.equal(r.json.type, 'image/png');
  assert.equal(r.json.size, bytes.length);
  // completing again answers the same file
  const again = await cand.post(`${up}/complete`, {});
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.sha256, sha256(bytes));
  // a chunk after completion: refused
  r = await putChunk(cand, c.json.id, bytes, 0, 10);
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'upload_done');

  // the answer names the file by its hash
  const sheet = await cand.get(`/api/attempts/${id}`);
  assert.equal(sheet.status, 200, sheet.text);
  const answer = JSON.stringify(sheet.json);
  assert.match(answer, new RegExp(sha256(bytes)), 'the answer lists the file by hash');

  // served as stored, never as active content
  const f = await cand.get(`/api/attempts/${id}/evidence/${sha256(bytes)}`);
  assert.equal(f.status, 200);
  assert.equal(sha256(f.body), sha256(bytes), 'served bytes are the original');
  assert.equal(f.headers.get('content-type'), 'image/png');
  assert.equal(f.headers.get('x-content-type-options'), 'nosniff');
  assert.match(f.headers.get('content-security-policy'), /sandbox; default-src 'none'/);
  assert.match(f.headers.get('content-disposition'), /^inline; filename="poster.png"/);
  const dl = await cand.get(`/api/attempts/${id}/evidence/${sha256(bytes)}?download=1`);
  assert.match(dl.headers.get('content-disposition'), /^attachment;/);
  // the preview is a re-encoded JPEG
  const p = await cand.get(`/api/attempts/${id}/evidence/${sha256(bytes)}/preview`);
  assert.equal(p.status, 200);
  assert.equal(p.headers.get('content-type'), 'image/jpeg');
  assert.equal(p.body[0], 0xff);
  assert.equal(p.body[1], 0xd8);

  // the ordinary answer route cannot write an evidence answer
  r = await cand.put(`/api/attempts/${id}/answers/EV-1`, { value: [{ sha256: 'a'.repeat(64), name: 'x', type: 'image/png', size: 1 }] });
  assert.equal(r.status, 400, r.text);
});

test('the same content twice is stored once and attached once; limits on size and count', async () => {
  const cand = await candidateClient(d, 'Bagus Pratama');
  const id = await evidenceAttempt(cand);
  const a = await uploadFile(cand, id, 'EV-1', TINY_JPEG, 'karya.jpg');
  assert.equal(a.complete.status, 200, a.complete.text);
  assert.equal(a.complete.json.type, 'image/jpeg');
  const b = await uploadFile(cand, id, 'EV-1', TINY_JPEG, 'karya-lagi.jpg');
  assert.equal(b.complete.status, 200, b.complete.text);
  assert.equal(b.complete.json.sha256, a.complete.json.sha256);

  const big = await createUpload(cand, id, 'EV-1', { length: 6 * 1024 * 1024 + 1 }, 'besar.png');
  assert.equal(big.status, 413, big.text);
  assert.equal(big.json.error, 'evidence_too_large');
  const notEvidence = await createUpload(cand, id, 'NOPE', TINY_JPEG, 'x.jpg');
  assert.equal(notEvidence.status, 400, notEvidence.text);
  const badName = await cand.post(`/api/attempts/${id}/uploads`, { item: 'EV-1', name: '', size: 10 });
  assert.equal(badName.status, 400, badName.text);
  const extra = await cand.post(`/api/attempts/${id}/uploads`, { item: 'EV-1', name: 'a', size: 10, path: '/etc' });
  assert.equal(extra.status, 400, extra.text);

  // a PDF where PDFs are accepted, a WAV recording where audio is
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
  const p = await uploadFile(cand, id, 'EV-1', pdf, 'portofolio.pdf');
  assert.equal(p.complete.status, 200, p.complete.text);
  assert.equal(p.complete.json.type, 'application/pdf');
  const f = await cand.get(`/api/attempts/${id}/evidence/${sha256(pdf)}`);
  assert.match(f.headers.get('content-disposition'), /^inline; filename="portofolio.pdf"/);
  assert.equal((await cand.get(`/api/attempts/${id}/evidence/${sha256(pdf)}/preview`)).status, 404, 'no preview but for images');
  const wav = Buffer.alloc(44 + 800);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(wav.length - 8, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(8000, 28);
  wav.writeUInt16LE(1, 32);
  wav.writeUInt16LE(8, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(800, 40);
  const w = await uploadFile(cand, id, 'EV-2', wav, 'penjelasan.wav');
  assert.equal(w.complete.status, 200, w.complete.text);
  assert.match(w.complete.json.type, /^audio\//);

  // max_files 3: one more fills it (a photo and the PDF attached already), the next is refused
  assert.equal((await uploadFile(cand, id, 'EV-1', png(20, 20), 'dua.png')).complete.status, 200);
  const over = await createUpload(cand, id, 'EV-1', png(22, 20), 'empat.png');
  assert.equal(over.status, 409, over.text);
  assert.equal(over.json.error, 'evidence_too_many');
});

// Sends a hostile file and expects it refused with reason, its upload refused and no byte kept.
async function refused(cand, id, item, bytes, name, reason) {
  const { create, complete } = await uploadFile(cand, id, item, bytes, name);
  assert.equal(complete.status, 422, `${name}: ${complete.text}`);
  assert.equal(complete.json.error, 'evidence_refused', name);
  assert.ok(complete.json.message.length > 10, `${name}: a clear message`);
  const st = await cand.get(`/api/uploads/${create.json.id}`);
  assert.equal(st.json.state, 'refused', name);
  assert.equal(st.json.reason, reason, name);
  assert.equal((await cand.get(`/api/attempts/${id}/evidence/${sha256(bytes)}`)).status, 404, `${name}: not served`);
  if (haveSqliteCli()) {
    const left = sql(d.dataDir, `SELECT count(*) AS n FROM evidence_chunks WHERE upload_id = '${create.json.id}'`);
    assert.equal(left[0].n, 0, `${name}: no chunk kept`);
  }
  return complete;
}

test('hostile files are refused with a clear reason and nothing is kept', async () => {
  const cand = await candidateClient(d, 'Nur Aini');
  const id = await evidenceAttempt(cand);
  const polyglot = Buffer.concat([TINY_JPEG, Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>')]);
  await refused(cand, id, 'EV-1', polyglot, 'foto.jpg', 'active_content');
  const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  await refused(cand, id, 'EV-1', svg, 'gambar.jpg', 'type_not_allowed');
  const elf = readFileSync('/bin/true');
  await refused(cand, id, 'EV-1', elf.subarray(0, Math.min(elf.length, 64 * 1024)), 'foto.jpg', 'type_not_allowed');
  const html = Buffer.from('<!DOCTYPE html><html><script>fetch("/api/auth/me")</script></html>');
  await refused(cand, id, 'EV-1', html, 'karya.pdf', 'type_not_allowed');
  // a decompression bomb: a few hundred bytes claiming 60000 x 60000 pixels
  const bomb = png(16, 16, { declared: { width: 60000, height: 60000 } });
  await refused(cand, id, 'EV-1', bomb, 'bom.png', 'image_too_large');
  // an image where only audio is accepted
  await refused(cand, id, 'EV-2', png(20, 20), 'suara.mp3', 'type_not_accepted');
  // a declared checksum that the bytes do not have
  const bytes = png(30, 30);
  const c = await createUpload(cand, id, 'EV-1', bytes, 'x.png', { sha256: 'f'.repeat(64) });
  assert.equal((await putChunk(cand, c.json.id, bytes, 0, bytes.length)).status, 200);
  const done = await cand.post(`/api/uploads/${c.json.id}/complete`, {});
  assert.equal(done.status, 422, done.text);
  // nothing of these reached the answer
  const sheet = await cand.get(`/api/attempts/${id}`);
  assert.doesNotMatch(JSON.stringify(sheet.json), /"sha256"/, 'no refused file in the answer');
});

test('files: the candidate, the assessor holding the attempt and admins; everyone else 404', async () => {
  const cand = await candidateClient(d, 'Putri Ayu');
  const other = await candidateClient(d, 'Rudi Hartono');
  const id = await evidenceAttempt(cand);
  const { complete } = await uploadFile(cand, id, 'EV-1', TINY_JPEG, 'karya.jpg');
  assert.equal(complete.status, 200, complete.text);
  const sub = await cand.post(`/api/attempts/${id}/submit`, {});
  assert.equal(sub.status, 200, sub.text);
  const url = `/api/attempts/${id}/evidence/${complete.json.sha256}`;

  // someone else's upload id is not found either
  const up = await other.get(`/api/uploads/${'0'.repeat(32)}`);
  assert.equal(up.status, 404);
  for (const [who, c] of [['another candidate', other], ['an assessor of another attempt', ctx.asesor2], ['anonymous', new Client(d.url)]]) {
    const r = await c.get(url);
    assert.equal(r.status, 404, `${who}: ${r.status}`);
    assert.equal((await c.get(`${url}/preview`)).status, 404, `${who}: preview`);
  }
  assert.equal((await cand.get(url)).status, 200, 'the candidate');
  // The candidate's copy of their data lists the file, with the route that serves it.
  const copy = await cand.get('/api/me/data');
  assert.equal(copy.status, 200, copy.text);
  const mine = copy.json.attempts.find((a) => a.id === id);
  assert.deepEqual(mine.files.map((f) => [f.item_id, f.sha256, f.name, f.type, f.size, f.url]),
    [['EV-1', complete.json.sha256, 'karya.jpg', 'image/jpeg', TINY_JPEG.length, url]]);
  assert.deepEqual(mine.observation_photos, []);
  assert.equal((await ctx.admin.get(url)).status, 200, 'an administrator');
  const claim = await ctx.asesor1.post(`/api/reviews/${id}/claim`, {});
  assert.equal(claim.status, 200, claim.text);
  assert.equal((await ctx.asesor1.get(url)).status, 200, 'the assessor holding the attempt');
  assert.equal((await ctx.asesor2.get(url)).status, 404, 'still not the other assessor');
  // uploads of a submitted attempt are refused
  const late = await createUpload(cand, id, 'EV-1', TINY_JPEG, 'telat.jpg');
  assert.equal(late.status, 409, late.text);

  // the decision's audit entry records the files it was made on, by hash
  const dec = await ctx.asesor1.post(`/api/reviews/${id}/decision`, {
    overall: 'K',
    items: { 'EV-1': { criteria: { R1: 4 } }, 'EV-2': { criteria: { R1: 1 } } },
  });
  assert.equal(dec.status, 200, dec.text);
  const audit = await ctx.admin.get(`/api/admin/audit?subject=attempt:${id}`);
  const entry = audit.json.items.find((e) => e.action === 'review.decision');
  assert.ok(entry, audit.text);
  assert.deepEqual(entry.after.evidence, { 'EV-1': [complete.json.sha256] });
  // the assessor who decided still sees the files once the claim is released
  assert.equal((await ctx.asesor1.get(url)).status, 200, 'the deciding assessor');
});
